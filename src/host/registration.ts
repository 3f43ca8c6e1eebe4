// The registration records initializeScript returns. Building them reads nothing from the target.
import { Command } from "../commands/command";
import { invokeCommand } from "./runner";

/** API 1.3: getModuleType/getModuleSymbol return null instead of throwing (1.1), comparison support (1.2). */
const API_MAJOR = 1;
const API_MINOR = 3;

export function registrations(commands: Command[]): object[] {
  const records: object[] = [new host.apiVersionSupport(API_MAJOR, API_MINOR)];
  for (const command of commands) {
    records.push(new host.functionAlias((...args: unknown[]) => invokeCommand(command, args), command.name));
  }
  return records;
}
