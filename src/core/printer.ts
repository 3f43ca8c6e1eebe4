// Where command output goes. The host implementation writes to the debugger's command window.
export interface Printer {
  line(text: string): void;
  lines(texts: string[]): void;
  /** Progress of long work: written at once, so a user on a slow link sees it while the command runs. */
  progress(text: string): void;
}
