// Output to the debugger's command window. debugLog concatenates its arguments with no separator and no newline
// (reference §2), so each line carries its own "\n".
import { Printer } from "../core/printer";

export class HostPrinter implements Printer {
  line(text: string): void {
    host.diagnostics.debugLog(text + "\n");
  }
  lines(texts: string[]): void {
    if (texts.length) host.diagnostics.debugLog(texts.join("\n") + "\n");
  }
  progress(text: string): void {
    host.diagnostics.debugLog(text + "\n");
  }
}
