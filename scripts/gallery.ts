// Writes a WinDbg extension-gallery (dist/gallery/): manifest.1.xml, ManifestVersion.txt and config.xml, so that a
// user registers the folder once (`.settings load ...\config.xml`, `.settings save`) and every !command loads the
// script on first use. Format: microsoft/WinDbg-Samples Manifest/README.MD. The alias list comes from the built
// bundle itself (dx @$leaktools()), so the manifest cannot drift from the registered commands.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../test/emulator/session";
import { EmulatedTarget } from "../test/emulator/target";

const GALLERY_ID = "5B1C3E2A-7F4D-4E8B-9C61-2A7D0E4F9B13";

export function galleryFiles(): Record<string, string> {
  const session = DebuggerSession.load(new EmulatedTarget("kernel", 8));
  const commands = (session.run("dx @$leaktools()").value as { Commands: { Name: string; Usage: string; Summary: string }[] }).Commands;
  const version = (require("../package.json") as { version: string }).version;
  const cdata = (s: string) => "<![CDATA[" + s.replace(/]]>/g, "]]]]><![CDATA[>") + "]]>";
  const aliases = commands
    .map((c) =>
      [
        '                    <FunctionAlias Name="' + c.Name + '">',
        "                        <AliasItem>",
        "                            <Syntax>" + cdata(c.Usage) + "</Syntax>",
        "                            <Description>" + cdata(c.Summary) + "</Description>",
        "                        </AliasItem>",
        "                    </FunctionAlias>",
      ].join("\r\n"),
    )
    .join("\r\n");
  const manifest = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<ExtensionPackages Version="1.0.0.0" Compression="none">',
    "    <ExtensionPackage>",
    "        <Name>leaktools</Name>",
    "        <Version>" + version + ".0</Version>",
    "        <Description>Memory-leak and crash triage: pool tags and their owners, every live pool allocation of a tag, user-mode heap leaks by allocation stack, heap virtual blocks, importers, verifier unload leaks, crash triage.</Description>",
    "        <Components>",
    '            <ScriptComponent Name="leaktools" Type="Engine" File="..\\leaktools.js" FilePathKind="RepositoryRelative">',
    "                <FunctionAliases>",
    aliases,
    "                </FunctionAliases>",
    "            </ScriptComponent>",
    "        </Components>",
    "    </ExtensionPackage>",
    "</ExtensionPackages>",
    "",
  ].join("\r\n");
  const config = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Settings Version="1">',
    '  <Namespace Name="Extensions">',
    '    <Setting Name="ExtensionRepository" Type="VT_BSTR" Value="Implicit"></Setting>',
    '    <Namespace Name="ExtensionRepositories">',
    '      <Namespace Name="leaktools Gallery">',
    '        <Setting Name="Id" Type="VT_BSTR" Value="' + GALLERY_ID + '"></Setting>',
    "        <!-- Set this to the full path of this folder (dist\\gallery of your leaktools checkout). -->",
    '        <Setting Name="LocalCacheRootFolder" Type="VT_BSTR" Value="C:\\tools\\leaktools\\dist\\gallery"></Setting>',
    '        <Setting Name="IsEnabled" Type="VT_BOOL" Value="true"></Setting>',
    "      </Namespace>",
    "    </Namespace>",
    "  </Namespace>",
    "</Settings>",
    "",
  ].join("\r\n");
  return { "manifest.1.xml": manifest, "ManifestVersion.txt": "1\r\n1.0.0.0\r\n1\r\n", "config.xml": config };
}

if (require.main === module) {
  const dir = path.join(__dirname, "..", "dist", "gallery");
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(galleryFiles())) fs.writeFileSync(path.join(dir, name), text);
  console.log("dist/gallery: extension-gallery manifest for " + (galleryFiles()["manifest.1.xml"].match(/<FunctionAlias /g) || []).length + " commands");
}
