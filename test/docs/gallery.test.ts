// The extension gallery under dist/gallery has the shape WinDbg reads: microsoft/WinDbg-Samples Manifest/README.MD
// (config.xml loaded with `.settings load`, ManifestVersion.txt whose first line n names manifest.n.xml, an
// ExtensionPackage whose ScriptComponent has Name, Type "Engine", File relative to the manifest's folder with
// FilePathKind "RepositoryRelative", and one FunctionAlias with AliasItem/Syntax/Description per alias), as in that
// repository's Manifest/ folder and in 0vercl0k/windbg-scripts' Manifest/.
import * as fs from "fs";
import * as path from "path";
import { galleryFiles } from "../../scripts/gallery";
import { DebuggerSession } from "../emulator/session";
import { EmulatedTarget } from "../emulator/target";

const DIST = path.resolve(__dirname, "../../dist");
const files = galleryFiles();

const attr = (tag: string, name: string) => new RegExp("\\b" + name + '="([^"]*)"').exec(tag)?.[1];

test("npm run build wrote the gallery files as generated today", () => {
  for (const [name, text] of Object.entries(files)) expect(fs.readFileSync(path.join(DIST, "gallery", name), "utf8")).toBe(text);
});

test("ManifestVersion.txt: the first line names manifest.<n>.xml", () => {
  const lines = files["ManifestVersion.txt"].split(/\r?\n/).filter(Boolean);
  expect(lines).toEqual(["1", "1.0.0.0", "1"]);
  expect(files["manifest." + lines[0] + ".xml"]).toBeDefined();
});

test("config.xml registers one repository: Id (a GUID), LocalCacheRootFolder, IsEnabled, under Extensions/ExtensionRepositories", () => {
  const c = files["config.xml"];
  expect(c).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r?\n<Settings Version="1">/);
  expect(c).toMatch(/<Namespace Name="Extensions">\s*<Setting Name="ExtensionRepository" Type="VT_BSTR" Value="Implicit"><\/Setting>\s*<Namespace Name="ExtensionRepositories">\s*<Namespace Name="[^"]+">/);
  expect(c).toMatch(/<Setting Name="Id" Type="VT_BSTR" Value="[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"><\/Setting>/);
  expect(c).toMatch(/<Setting Name="LocalCacheRootFolder" Type="VT_BSTR" Value="[A-Z]:\\[^"]*\\dist\\gallery"><\/Setting>/);
  expect(c).toMatch(/<Setting Name="IsEnabled" Type="VT_BOOL" Value="true"><\/Setting>/);
});

test("manifest: one package whose script component points at the built bundle, relative to the manifest", () => {
  const m = files["manifest.1.xml"];
  expect(m).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\r?\n<ExtensionPackages Version="1.0.0.0" Compression="none">/);
  expect(m.match(/<ExtensionPackage>/g)).toHaveLength(1);
  expect(m).toMatch(/<Name>leaktools<\/Name>\s*<Version>\d+\.\d+\.\d+\.\d+<\/Version>\s*<Description>[^<]+<\/Description>\s*<Components>/);
  const component = /<ScriptComponent [^>]*>/.exec(m)![0];
  expect(attr(component, "Type")).toBe("Engine");
  expect(attr(component, "FilePathKind")).toBe("RepositoryRelative");
  const file = attr(component, "File")!;
  expect(fs.existsSync(path.join(DIST, "gallery", ...file.split("\\")))).toBe(true);
});

test("manifest: one FunctionAlias per alias the bundle registers, each with Syntax and Description", () => {
  const session = DebuggerSession.load(new EmulatedTarget("kernel", 8));
  const registered = [...(session as unknown as { control: { aliases: Map<string, unknown> } }).control.aliases.keys()].sort();
  const m = files["manifest.1.xml"];
  const aliases = [...m.matchAll(/<FunctionAlias Name="([^"]+)">\s*<AliasItem>\s*<Syntax><!\[CDATA\[(.*?)\]\]><\/Syntax>\s*<Description><!\[CDATA\[(.*?)\]\]><\/Description>\s*<\/AliasItem>\s*<\/FunctionAlias>/g)];
  expect(aliases.map((a) => a[1]).sort()).toEqual(registered);
  for (const a of aliases) {
    expect(a[2]).toContain(a[1]);
    expect(a[3].length).toBeGreaterThan(10);
  }
});
