// Output to the debugger's command window. debugLog concatenates its arguments with no separator and no newline
// (reference §2), so each line carries its own "\n".
import { Printer } from "../core/printer";

/**
 * The most one debugLog call carries. IDebugControl::Output (dbgeng.h) warns that "some versions of the debugger
 * engine have a 16K character limit for a single output" and that very large output should be split "into multiple
 * requests"; that debugLog ends in the same engine output is inferred, so every call stays well under it.
 */
export const MAX_OUTPUT_CHARS = 4096;

export class HostPrinter implements Printer {
  line(text: string): void {
    this.write(text + "\n");
  }
  lines(texts: string[]): void {
    if (texts.length) this.write(texts.join("\n") + "\n");
  }
  progress(text: string): void {
    this.write(text + "\n");
  }

  /** One call per chunk of at most MAX_OUTPUT_CHARS, cut after a newline when there is one in the chunk. */
  private write(text: string): void {
    let start = 0;
    while (text.length - start > MAX_OUTPUT_CHARS) {
      const cut = text.lastIndexOf("\n", start + MAX_OUTPUT_CHARS - 1);
      const end = cut >= start ? cut + 1 : start + MAX_OUTPUT_CHARS;
      host.diagnostics.debugLog(text.slice(start, end));
      start = end;
    }
    if (start < text.length) host.diagnostics.debugLog(text.slice(start));
  }
}
