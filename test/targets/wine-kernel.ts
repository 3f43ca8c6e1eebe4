// A kernel scene from Wine's real x86_64-windows images (test/fixtures/pe/wine, libwine 8.0~repack-4): the real
// ntoskrnl.exe mapped as `nt` and its 17 .sys drivers, each mapped as the Windows loader maps an image (sections at
// their virtual addresses) and bound as the loader binds it: imports of ntoskrnl.exe, hidparse.sys and hidclass.sys
// to those images' real export addresses (read from their export directories), imports of user-mode DLLs that Wine's
// drivers also use (kernel32.dll, ntdll.dll, ucrtbase.dll, ...) to stub exporters, since those files are not kept.
import * as fs from "fs";
import * as path from "path";
import { TargetBuilder, kernelTarget, BUILDS } from "./builder";
import { answerSymbolSearch } from "./importers";
import { mapPeFile, sizeOfImage, ImageExporters, StubExporters, MappedImage } from "./pe-loader";

export const WINE_DIR = path.resolve(__dirname, "../fixtures/pe/wine");
export const WINE_DRIVERS = [
  "cng.sys", "fltmgr.sys", "hidclass.sys", "hidparse.sys", "http.sys", "ksecdd.sys", "mountmgr.sys", "ndis.sys", "netio.sys",
  "nsiproxy.sys", "scsiport.sys", "tdi.sys", "usbd.sys", "winebus.sys", "winehid.sys", "wineusb.sys", "winexinput.sys",
];
/** Drivers whose exports other drivers of the folder import. */
const EXPORTING_DRIVERS = ["hidparse.sys", "hidclass.sys"];

export interface WineScene {
  b: TargetBuilder;
  /** By file name, ntoskrnl.exe included. */
  images: Record<string, MappedImage>;
  ntBase: bigint;
}

const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(WINE_DIR, name)));

export function wineKernelTarget(): WineScene {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\Windows\\MEMORY.DMP" });
  const nt = b.target.modules[0];
  const exporters = new ImageExporters(new StubExporters(b).bind);
  const files: Record<string, Uint8Array> = { "ntoskrnl.exe": read("ntoskrnl.exe") };
  for (const name of WINE_DRIVERS) files[name] = read(name);
  if (sizeOfImage(files["ntoskrnl.exe"]) > nt.size) throw new Error("ntoskrnl.exe does not fit nt's range");
  // Reserve every range first, so an import binds to its exporter wherever the two lie in the load order.
  const bases: Record<string, bigint> = { "ntoskrnl.exe": nt.base };
  for (const name of WINE_DRIVERS) bases[name] = b.moduleRange(sizeOfImage(files[name]));
  const ntExports = exporters.register("ntoskrnl.exe", nt.base, files["ntoskrnl.exe"]);
  // The debugger's symbols for nt and the exporting drivers: their exports (as with export symbols only).
  ntExports.byName.forEach((e, name) => "rva" in e && b.target.addSymbol("nt", name, nt.base + BigInt(e.rva)));
  for (const name of EXPORTING_DRIVERS) {
    const exports = exporters.register(name, bases[name], files[name]);
    exports.byName.forEach((e, fn) => "rva" in e && b.target.addSymbol(name.replace(/\.sys$/, ""), fn, bases[name] + BigInt(e.rva)));
  }
  const images: Record<string, MappedImage> = {};
  images["ntoskrnl.exe"] = mapPeFile(b, "nt", nt.base, files["ntoskrnl.exe"], exporters.bind, true);
  for (const name of WINE_DRIVERS) images[name] = mapPeFile(b, name, bases[name], files[name], exporters.bind);
  answerSymbolSearch(b);
  return { b, images, ntBase: nt.base };
}
