// What a bugcheck means and where to look next: the code's name, each parameter's meaning, what the parameters
// point at (exception records, pool headers), a verdict and commands to copy. Reads through a Target; no output.
import { Address } from "../core/address";
import { u32, asciiz } from "../core/bytes";
import { Unreadable } from "../core/missing";
import { moduleOffsetName } from "../core/symbol-line";
import { messages } from "../core/messages";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { LayoutSpec, ResolvedLayout } from "../layouts/types";
import { CONTEXT_X64, CONTEXT_X86, EXCEPTION_POINTERS, EXCEPTION_RECORD, POOL_HEADER, poolBlockSizeField } from "../layouts/exception";
import type { Target } from "../host/target";
import { BugCheck } from "./data";
import { BUGCHECK_CODES, NTSTATUS, SUBCODES, statusText, referencePage } from "./codes";
import { contextBytesNeeded, decodeContext, decodeExceptionPointers, decodeExceptionRecord, memoryFault } from "./exception";
import { isMemCompression, parseThreadProcesses } from "./thread";

export interface ParameterRecord {
  Name: string;
  Value: Address;
  Meaning: string;
  toString(): string;
}

export interface NextCommand {
  Command: string;
  Why: string;
  toString(): string;
}

export interface TriageRecord {
  Code: number;
  Name: string;
  Parameters: ParameterRecord[];
  Findings: string[];
  Verdict: string;
  NextCommands: NextCommand[];
  /** Where the code and parameters came from: nt!KiBugCheckData or .bugcheck. */
  Source: string;
  /** The layouts the decoding used, for the `Layout:` lines. */
  Layouts: string[];
  toString(): string;
}

interface Work {
  target: Target;
  bugcheck: BugCheck;
  meanings: string[];
  findings: string[];
  next: NextCommand[];
  layouts: string[];
  verdict: string | null;
}

export function triageBugCheck(target: Target, bugcheck: BugCheck): TriageRecord {
  const info = BUGCHECK_CODES[bugcheck.code];
  const w: Work = {
    target,
    bugcheck,
    meanings: info ? info.parameters.slice() : ["Unknown", "Unknown", "Unknown", "Unknown"],
    findings: [],
    next: [],
    layouts: [],
    verdict: null,
  };
  applySubcode(w);
  try {
    const decoder = DECODERS[bugcheck.code];
    if (decoder) decoder(w);
  } catch (e) {
    // A decoder that stops still leaves the name, the parameters and what it found so far.
    w.findings.push(messages.triageDecoderStopped(e && (e as Error).message ? (e as Error).message : String(e)));
  }
  if (!w.verdict) w.verdict = info ? messages.triageNoDecoder(info.name) : messages.triageUnknownCode(hex(bugcheck.code));
  w.next.unshift({ Command: "!analyze -v", Why: "the debugger's own analysis of this bugcheck", toString: () => "!analyze -v" });
  const name = info ? info.name : "unknown bugcheck";
  const parameters = bugcheck.parameters.map((value, i) => {
    const meaning = w.meanings[i];
    const label = "Arg" + (i + 1);
    return { Name: label, Value: value, Meaning: meaning, toString: () => label + ": " + value.format(target.pointerSize) + " " + meaning };
  });
  const verdict = w.verdict;
  return {
    Code: bugcheck.code,
    Name: name,
    Parameters: parameters,
    Findings: w.findings,
    Verdict: verdict,
    NextCommands: w.next,
    Source: bugcheck.source,
    Layouts: w.layouts,
    toString: () => name + " (" + hex(bugcheck.code) + "): " + verdict,
  };
}

/** For codes whose Arg1 is a subcode: its meaning and the meanings of Arg2..Arg4, or say it is unknown. */
function applySubcode(w: Work): void {
  const table = SUBCODES[w.bugcheck.code];
  if (!table) return;
  const p1 = w.bugcheck.parameters[0];
  const sub = p1.hi === 0 ? table[p1.lo] : undefined;
  if (!sub) {
    w.findings.push(messages.triageUnknownSubcode(p1.toString(), referencePage(w.bugcheck.code)));
    return;
  }
  w.meanings[0] = "Subcode " + p1.toString() + ": " + sub.meaning;
  if (sub.parameters) for (let i = 0; i < 3; i++) w.meanings[i + 1] = sub.parameters[i];
}

const DECODERS: { [code: number]: (w: Work) => void } = {
  0x154: decodeStoreException,
  0x7a: decodeKernelInpage,
  0x50: decodePageFault,
  0xc4: decodeVerifier,
  0xc2: decodeBadPoolCaller,
  0x19: decodeBadPoolHeader,
  0x1a: decodeMemoryManagement,
};

function fmt(w: Work, a: Address): string {
  return a.format(w.target.pointerSize);
}

function addNext(w: Work, command: string, why: string): void {
  for (const n of w.next) if (n.Command === command) return;
  w.next.push({ Command: command, Why: why, toString: () => command });
}

function layout(w: Work, spec: LayoutSpec): ResolvedLayout | null {
  const t = w.target;
  const resolved = resolveLayout(spec, (m, name) => t.type(m, name), t.pointerSize, t.isKernel ? t.windowsBuild() : null);
  if (isLayoutMissing(resolved)) {
    w.findings.push(messages.triageNoLayout(spec.typeName, resolved.reason));
    return null;
  }
  const line = resolved.description;
  if (w.layouts.indexOf(line) < 0) w.layouts.push(line);
  return resolved;
}

// --- 0x154 UNEXPECTED_STORE_EXCEPTION ---

// Assumption, from seed 004: on x64 Arg2 points at an EXCEPTION_POINTERS pair {ExceptionRecord*, ContextRecord*}.
// There Arg2 was ffffe607`bc53df30 while !analyze -v followed `.exr ffffe607bc53eeb8` and `.cxr ffffe607bc53e6f0`,
// and the same Arg2 is the second argument of nt!SMKM_STORE::SmStUnhandledExceptionFilter on the stack: an
// exception filter, whose argument is EXCEPTION_POINTERS (_C_specific_handler calls it so).
function decodeStoreException(w: Work): void {
  const t = w.target;
  const info = w.bugcheck.parameters[1];
  const pointersLayout = layout(w, EXCEPTION_POINTERS);
  if (!pointersLayout) return storeVerdict(w, null, null, false);
  const pointers = t.memory.read(info, pointersLayout.size, "EXCEPTION_POINTERS (Arg2)");
  if (pointers instanceof Unreadable) {
    w.findings.push(messages.triageUnreadable(pointers.describe(t.pointerSize)));
    addNext(w, "dq " + fmt(w, info) + " L2", "the exception record and context pointers, if another source has the page");
    return storeVerdict(w, null, null, false);
  }
  const ep = decodeExceptionPointers(pointers, pointersLayout, t.pointerSize);
  w.findings.push(messages.triageExceptionPointers(fmt(w, info), fmt(w, ep.ExceptionRecord), fmt(w, ep.ContextRecord)));
  addNext(w, ".exr " + fmt(w, ep.ExceptionRecord), "the exception record, as the debugger shows it");
  addNext(w, ".cxr " + fmt(w, ep.ContextRecord) + " ; k", "the registers and stack at the exception");

  let fault = null;
  let symbol: string | null = null;
  let code: number | null = null;
  const recordLayout = layout(w, EXCEPTION_RECORD);
  // A record or context that overlaps the EXCEPTION_POINTERS pair (a pointer back at Arg2 itself) is not one:
  // decoding it would show the pointers as an exception code and registers.
  const overlapsPointers = (at: Address, size: number) => at.isWithin(info, pointersLayout.size) || info.isWithin(at, size);
  const recordLoops = recordLayout !== null && overlapsPointers(ep.ExceptionRecord, recordLayout.size);
  if (recordLoops) w.findings.push(messages.triagePointsIntoArg2("ExceptionRecord", fmt(w, ep.ExceptionRecord), fmt(w, info)));
  const record = recordLayout && !recordLoops ? t.memory.read(ep.ExceptionRecord, recordLayout.size, "EXCEPTION_RECORD") : null;
  if (record instanceof Unreadable) w.findings.push(messages.triageUnreadable(record.describe(t.pointerSize)));
  else if (record && recordLayout) {
    const r = decodeExceptionRecord(record, recordLayout, t.pointerSize);
    code = r.ExceptionCode;
    symbol = symbolOrModuleOffset(t, r.ExceptionAddress);
    w.findings.push(messages.triageException(statusText(r.ExceptionCode), fmt(w, r.ExceptionAddress), symbol, r.ExceptionFlags, r.NumberParameters));
    if (r.countCapped) w.findings.push(messages.triageParameterCountCapped(r.NumberParameters));
    const params = r.Parameters.map((p, i) => "[" + i + "] " + fmt(w, p));
    if (params.length) w.findings.push(messages.triageExceptionParameters(params.join(", ")));
    fault = memoryFault(r);
    if (fault) {
      w.findings.push(messages.triageMemoryFault(fault.access, fmt(w, fault.address), fault.ioStatus === null ? null : statusText(fault.ioStatus)));
    }
  }

  const contextLayout = layout(w, t.pointerSize === 8 ? CONTEXT_X64 : CONTEXT_X86);
  const contextLoops = contextLayout !== null && overlapsPointers(ep.ContextRecord, contextBytesNeeded(contextLayout, t.pointerSize));
  if (contextLoops) w.findings.push(messages.triagePointsIntoArg2("ContextRecord", fmt(w, ep.ContextRecord), fmt(w, info)));
  if (contextLayout && !contextLoops) {
    const context = t.memory.read(ep.ContextRecord, contextBytesNeeded(contextLayout, t.pointerSize), "CONTEXT");
    if (context instanceof Unreadable) w.findings.push(messages.triageUnreadable(context.describe(t.pointerSize)));
    else {
      const c = decodeContext(context, contextLayout, t.pointerSize);
      w.findings.push(messages.triageContext(fmt(w, c.InstructionPointer), fmt(w, c.StackPointer)));
    }
  }

  const attached = attachedToMemCompression(w);
  storeVerdict(w, code, fault, attached || (!!symbol && /Decompress/i.test(symbol)));
}

/** Whether the bugchecking thread is attached to MemCompression, from `!thread` (see bugcheck/thread.ts). */
function attachedToMemCompression(w: Work): boolean {
  const out = w.target.executeCommand("!thread");
  if (out.error) {
    w.findings.push(messages.triageThreadUnknown(out.error));
    return false;
  }
  const threads = parseThreadProcesses(out.lines);
  if (!threads.owning && !threads.attached && !threads.thread) {
    w.findings.push(messages.triageThreadUnknown("no THREAD or process lines in its output"));
    return false;
  }
  const attached = threads.attached;
  const yes = isMemCompression(attached);
  w.findings.push(
    attached
      ? messages.triageAttached(attached.image, attached.address ? fmt(w, attached.address) : "?", yes)
      : messages.triageNotAttached(threads.owning ? threads.owning.image : "?"),
  );
  addNext(w, "!thread", "the thread that bugchecked, its owning and attached process");
  return yes;
}

function storeVerdict(w: Work, code: number | null, fault: { address: Address; ioStatus: number | null } | null, compressed: boolean): void {
  if (code === 0xc0000006 && fault && fault.ioStatus !== null) {
    const status = NTSTATUS[fault.ioStatus];
    const advice = status && status.storageAdvice ? status.storageAdvice : messages.triageStorageAdviceUnknown();
    w.verdict = messages.triageStoreInpage(compressed, hex8(fault.ioStatus), status ? status.meaning : messages.triageUnnamedStatus(), advice);
    if (compressed) addNext(w, "Disable-MMAgent -MemoryCompression", "PowerShell (elevated) on the crashed machine: turns memory compression off, avoiding the store path");
    addNext(w, "!pte " + fmt(w, fault.address), "the page table entry of the address that could not be paged in");
    return;
  }
  if (code !== null) {
    w.verdict = messages.triageStoreOther(statusText(code));
    return;
  }
  w.verdict = messages.triageStoreUnknownException();
}

// --- 0x7A KERNEL_DATA_INPAGE_ERROR ---

/** The three parameter layouts of MSD 0x7A (layouts.md §5). */
export function inpageLayout(p1: Address, p3: Address): "lock" | "inPageSupport" | "pte" {
  const small = p1.hi === 0 ? p1.lo : -1;
  if (small === 1 || small === 2 || (small === 3 && p3.isNull)) return "lock";
  if (small === 3 || small === 4) return "inPageSupport";
  return "pte";
}

function decodeKernelInpage(w: Work): void {
  const [p1, p2, p3, p4] = w.bugcheck.parameters;
  const kind = inpageLayout(p1, p3);
  if (kind === "lock") {
    w.meanings = ["Lock type (" + p1.lo + ")", "Error status (NTSTATUS)", p1.lo === 1 ? "Current process" : "0", "Virtual address that could not be paged in"];
  } else if (kind === "inPageSupport") {
    w.meanings = ["Lock type (" + p1.lo + ")", "Error status (NTSTATUS)", "Address of the InPageSupport structure", "Faulting address"];
  } else {
    w.meanings = ["Address of the PTE", "Error status (NTSTATUS)", "Contents of the PTE", "Faulting address"];
  }
  w.findings.push(messages.triageInpageLayout(kind === "lock" ? "1 (lock type, process)" : kind === "inPageSupport" ? "2 (lock type, InPageSupport)" : "3 (PTE address and contents)"));
  const status = p2.lo;
  w.findings.push(messages.triageIoStatus(statusText(status)));
  w.findings.push(messages.triageNotPagedIn(fmt(w, p4)));
  const info = NTSTATUS[status];
  w.verdict = messages.triageKernelInpage(hex8(status), info ? info.meaning : messages.triageUnnamedStatus(), info && info.storageAdvice ? info.storageAdvice : messages.triageStorageAdviceUnknown());
  addNext(w, "!pte " + fmt(w, p4), "the page table entry of the address that could not be paged in");
  if (kind === "pte") addNext(w, "!pte " + fmt(w, p1), "the PTE the bugcheck names");
}

// --- 0x50 PAGE_FAULT_IN_NONPAGED_AREA ---

function decodePageFault(w: Work): void {
  const [p1, p2, p3, p4] = w.bugcheck.parameters;
  const access = p2.hi !== 0 ? null : p2.lo === 0 ? "read" : p2.lo === 1 ? "write" : p2.lo === 2 || p2.lo === 8 ? "execute" : null;
  w.findings.push(messages.triageAccess(access || "unknown access (" + p2.toString() + ")", fmt(w, p1)));
  let where: string | null = null;
  if (!p3.isNull) {
    where = symbolOrModuleOffset(w.target, p3);
    w.findings.push(messages.triageFaultingInstruction(fmt(w, p3), where));
    addNext(w, "ln " + fmt(w, p3), "the nearest symbol to the faulting instruction");
  }
  if (p4.hi === 0 && (p4.lo === 3 || p4.lo === 4)) {
    w.findings.push(messages.triageFaultType(p4.lo));
  }
  w.verdict = messages.triagePageFault(access || "an access", fmt(w, p1), where || (p3.isNull ? null : fmt(w, p3)));
  addNext(w, "!pte " + fmt(w, p1), "whether the address was ever mapped");
  addNext(w, "!pool " + fmt(w, p1), "whether the address is (freed) pool, and its tag");
}

// --- 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION ---

/** Which argument holds a pool address worth `!pool`, or a pointer to a _POOL_HEADER, per 0xC4 subcode (MSD table). */
const VERIFIER_POOL_ADDRESS: { [subcode: number]: number } = { 0x10: 1, 0x11: 3, 0x12: 3, 0x15: 3, 0x16: 2, 0x17: 3, 0xcc: 2, 0xd2: 2, 0x13a: 1, 0x13b: 1, 0x13c: 1, 0x13d: 1, 0x13e: 1, 0x13f: 1 };
const VERIFIER_POOL_HEADER: { [subcode: number]: number } = { 0x13: 2, 0x14: 2 };

function decodeVerifier(w: Work): void {
  const p = w.bugcheck.parameters;
  const p1 = p[0];
  const subcode = p1.hi === 0 ? p1.lo : -1;
  const sub = subcode >= 0 ? SUBCODES[0xc4][subcode] : undefined;
  if (subcode === 0x62) {
    const count = p[3].isSafeNumber ? p[3].toNumber() : null;
    w.verdict = messages.triageVerifierLeak(count);
    addNext(w, "!unloadleaks", "the leaked allocations of the unloaded driver, by tag and size");
    addNext(w, "!verifier 3", "Driver Verifier's own view of the outstanding allocations");
    return;
  }
  let tag: string | null = null;
  if (VERIFIER_POOL_HEADER[subcode] !== undefined) {
    const header = p[VERIFIER_POOL_HEADER[subcode]];
    const facts = readPoolHeader(w, header, "the block");
    tag = facts ? facts.tag : null;
    addNext(w, "!pool " + fmt(w, header), "the pool page around the block, with each block's tag");
  } else if (VERIFIER_POOL_ADDRESS[subcode] !== undefined) {
    addNext(w, "!pool " + fmt(w, p[VERIFIER_POOL_ADDRESS[subcode]]), "the pool page around the address, with each block's tag");
  }
  w.verdict = sub ? messages.triageVerifier(sub.meaning + (tag ? " (block tagged '" + tag + "')" : "")) : messages.triageVerifierUnknown(p1.toString());
  if (subcode >= 0x1000 && subcode <= 0x100b) addNext(w, "!deadlock", "Driver Verifier's deadlock detection: the locks and threads involved");
  if (sub && sub.parameters && /!ruleinfo/.test(sub.parameters[1])) {
    addNext(w, "!ruleinfo " + hex(subcode) + " " + fmt(w, p[2]) + " " + fmt(w, p[3]), "the DDI compliance rule and its state");
  }
  if (subcode >= 0xa0 && subcode <= 0xa2) addNext(w, "!devobj " + fmt(w, p[2]), "the lower device that returned the bad sector");
  addNext(w, "!verifier", "Driver Verifier's settings and counters");
}

// --- 0xC2 BAD_POOL_CALLER and 0x19 BAD_POOL_HEADER ---

interface PoolHeaderFacts {
  header: Address;
  tag: string;
  blockSize: number;
}

/** Reads the _POOL_HEADER at `header` (§2.4): the tag and the block size; a finding either way. */
function readPoolHeader(w: Work, header: Address, block: string): PoolHeaderFacts | null {
  const l = layout(w, POOL_HEADER);
  if (!l) return null;
  const bytes = w.target.memory.read(header, l.size, "_POOL_HEADER");
  if (bytes instanceof Unreadable) {
    w.findings.push(messages.triageUnreadable(bytes.describe(w.target.pointerSize)));
    return null;
  }
  const field = poolBlockSizeField(w.target.pointerSize);
  const first = u32(bytes, 0);
  const blockSize = ((first >>> field.shift) & ((1 << field.bits) - 1)) * field.unit;
  const tag = asciiz(bytes, l.offsets.PoolTag, 4);
  w.findings.push(messages.triagePoolHeader(block, fmt(w, header), tag, blockSize));
  return { header, tag, blockSize };
}

/** The header in front of a block's data: the block address minus the header's size. */
function readHeaderOfBlock(w: Work, block: Address): PoolHeaderFacts | null {
  const l = layout(w, POOL_HEADER);
  return l ? readPoolHeader(w, block.subtract(l.size), "block " + fmt(w, block)) : null;
}

function poolNext(w: Work, address: Address, facts: PoolHeaderFacts | null): void {
  addNext(w, "!pool " + fmt(w, address), "the pool page around the block, with each block's tag");
  if (facts && /^[A-Za-z0-9_]{1,4}$/.test(facts.tag)) addNext(w, "!poolused 2 " + facts.tag, "how much pool the tag holds");
}

/** A pool tag carried in a parameter's low four bytes, as ExAllocatePoolWithTag takes it ('Leak' = 0x6b61654c). */
export function tagOfValue(value: Address): string {
  let text = "";
  for (let i = 0; i < 4; i++) {
    const c = (value.lo >>> (8 * i)) & 0xff;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  }
  return text;
}

function decodeBadPoolCaller(w: Work): void {
  const p = w.bugcheck.parameters;
  const subcode = p[0].hi === 0 ? p[0].lo : -1;
  const sub = subcode >= 0 ? SUBCODES[0xc2][subcode] : undefined;
  let facts: PoolHeaderFacts | null = null;
  if (subcode === 1 || subcode === 2 || subcode === 4) {
    facts = readPoolHeader(w, p[1], "the corrupt header");
    poolNext(w, p[1], facts);
  } else if (subcode === 6) {
    facts = readPoolHeader(w, p[2], "the block");
    poolNext(w, p[2], facts);
  } else if (subcode === 7) {
    facts = readHeaderOfBlock(w, p[3]);
    poolNext(w, p[3], facts);
  } else if (subcode === 0x0a) {
    w.findings.push(messages.triageWrongTag(tagOfValue(p[2]), tagOfValue(p[3])));
    poolNext(w, p[1], null);
  } else if (subcode === 0x09 || subcode === 0x0b || subcode === 0x0c || subcode === 0x0d || (subcode >= 0x40 && subcode <= 0x60) || subcode === 0x99) {
    const address = subcode === 0x09 ? p[3] : p[1];
    addNext(w, "!pool " + fmt(w, address), "what the address is: pool, freed pool, or no pool at all");
  }
  if (subcode === 6 || subcode === 7) {
    w.verdict = messages.triageDoubleFree(facts ? facts.tag : null);
    return;
  }
  w.verdict = sub ? messages.triageBadPoolCaller(sub.meaning + (facts ? " (block tagged '" + facts.tag + "')" : "")) : messages.triageNoDecoder("BAD_POOL_CALLER");
}

/** Which arguments of 0x19 are pool entries (headers), per subcode (MSD 0x19 table); 0x21/0x22 give the block. */
const BAD_POOL_HEADER_ENTRIES: { [subcode: number]: number[] } = { 0x02: [1], 0x03: [1], 0x05: [1, 3], 0x06: [3], 0x07: [3], 0x08: [3], 0x09: [3], 0x0a: [1], 0x20: [1, 2] };

function decodeBadPoolHeader(w: Work): void {
  const p = w.bugcheck.parameters;
  const subcode = p[0].hi === 0 ? p[0].lo : -1;
  const sub = subcode >= 0 ? SUBCODES[0x19][subcode] : undefined;
  let facts: PoolHeaderFacts | null = null;
  const entries = BAD_POOL_HEADER_ENTRIES[subcode];
  if (entries) {
    for (const i of entries) {
      if (p[i].isNull) continue;
      const read = readPoolHeader(w, p[i], "pool entry " + fmt(w, p[i]) + " (Arg" + (i + 1) + ")");
      if (!facts) facts = read;
      poolNext(w, p[i], read);
    }
  } else if (subcode === 0x21 || subcode === 0x22) {
    facts = readHeaderOfBlock(w, p[1]);
    poolNext(w, p[1], facts);
  }
  w.verdict = messages.triagePoolCorruption(sub ? sub.meaning : null, facts ? facts.tag : null);
}

// --- 0x1A MEMORY_MANAGEMENT ---

function decodeMemoryManagement(w: Work): void {
  const p = w.bugcheck.parameters;
  const subcode = p[0].hi === 0 ? p[0].lo : -1;
  const sub = subcode >= 0 ? SUBCODES[0x1a][subcode] : undefined;
  w.verdict = sub ? messages.triageMemoryManagement(sub.meaning) : messages.triageNoDecoder("MEMORY_MANAGEMENT");
  // Arguments the page names as a PTE or a pool block: commands to look at them.
  if (subcode === 0x411 || subcode === 0x41792) addNext(w, "!pte " + fmt(w, p[1]), "the corrupt PTE");
  if (subcode === 0x5200) addNext(w, "!pool " + fmt(w, p[1]), "the free pool block whose contents changed");
  if (subcode === 0x403 || subcode === 0x5003 || subcode === 0x31) addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine: the page suggests a hardware error");
}

export function hex(value: number): string {
  return "0x" + value.toString(16).toUpperCase();
}

function hex8(value: number): string {
  return ("00000000" + value.toString(16)).slice(-8);
}

/** The debugger's symbol for a code address, else `module+0x...` as WinDbg names it; null outside every module. */
function symbolOrModuleOffset(target: Target, address: Address): string | null {
  return target.symbolize(address).symbol || moduleOffsetName(address, target.modules());
}
