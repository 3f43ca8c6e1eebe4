// What may go into a debugger command. Anything read from the target or typed by the user passes one of these
// before it reaches ExecuteCommand: a hex address, or a module or file name of file-name characters.
import { Address } from "./address";

declare const validatedBrand: unique symbol;
/** A command argument that has been checked. Only the functions below make one. */
export type SafeArg = string & { readonly [validatedBrand]: true };

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$/;

export function addressArg(address: Address, pointerSize: 4 | 8): SafeArg {
  return address.format(pointerSize) as SafeArg;
}

/** A module or driver file name such as `test.sys`; null for anything with quotes, `;`, spaces or control bytes. */
export function fileNameArg(name: string): SafeArg | null {
  return FILE_NAME.test(name) ? (name as SafeArg) : null;
}

export function isFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

/** A small decimal number such as the `2` of `!poolused 2`. */
export function numberArg(value: number): SafeArg | null {
  return Number.isInteger(value) && value >= 0 && value < 0x10000 ? (String(value) as SafeArg) : null;
}

const SYMBOL_PATTERN = /^[A-Za-z0-9_@$?*]{1,128}$/;

/** `module!pattern` for the `x` command: a module name and a symbol name with `*`/`?` wildcards, nothing else. */
export function symbolPatternArg(module: string, pattern: string): SafeArg | null {
  return FILE_NAME.test(module) && SYMBOL_PATTERN.test(pattern) ? ((module + "!" + pattern) as SafeArg) : null;
}
