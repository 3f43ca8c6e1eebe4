// The owning and attached process of the current thread, from `!thread` output. Format (real output, seed 004):
//   Owning Process            ffffb402b8d58080       Image:         <Invalid process>
//   Attached Process          ffffb402b984a040       Image:         MemCompression
// A thread that is not attached prints N/A in both columns. In a kernel dump the current thread is the one that
// called KeBugCheckEx (`.thread` in seed 004 names it), so `!thread` without arguments describes it.
import { Address } from "../core/address";

export interface ProcessRef {
  address: Address | null;
  image: string;
}

export interface ThreadProcesses {
  thread: Address | null;
  owning: ProcessRef | null;
  attached: ProcessRef | null;
}

const THREAD = /^\s*THREAD\s+([0-9a-fA-F`]+)\s/;
const PROCESS = /^\s*(Owning|Attached) Process\s+(\S+)\s+Image:\s+(.*?)\s*$/;

export function parseThreadProcesses(lines: string[]): ThreadProcesses {
  const out: ThreadProcesses = { thread: null, owning: null, attached: null };
  for (const line of lines) {
    const t = THREAD.exec(line);
    if (t && !out.thread) out.thread = Address.parse(t[1]);
    const m = PROCESS.exec(line);
    if (!m) continue;
    const ref = m[2] === "N/A" ? null : { address: Address.parse(m[2]), image: m[3] };
    if (m[1] === "Owning") out.owning = ref;
    else out.attached = ref;
  }
  return out;
}

/** The process that hosts the memory-compression store is named MemCompression (seed 004). */
export function isMemCompression(ref: ProcessRef | null): boolean {
  return !!ref && /^MemCompression$/i.test(ref.image);
}
