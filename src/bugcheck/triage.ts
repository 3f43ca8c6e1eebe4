// What a bugcheck means and where to look next: the code's name, each parameter's meaning, what the parameters
// point at (exception records, pool headers), a verdict and commands to copy. Reads through a Target; no output.
import { Address } from "../core/address";
import { u32, asciiz } from "../core/bytes";
import { Unreadable } from "../core/missing";
import { moduleOffsetName } from "../core/symbol-line";
import { messages } from "../core/messages";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { LayoutSpec, ResolvedLayout } from "../layouts/types";
import { CONTEXT_X64, CONTEXT_X86, EXCEPTION_POINTERS, EXCEPTION_RECORD, KTRAP_FRAME_X64, MI_UNLOADED_DRIVERS, POOL_HEADER, UNLOADED_DRIVERS, poolBlockSizeField } from "../layouts/exception";
import type { Target } from "../host/target";
import { isKernelImageName } from "../host/target";
import { BugCheck } from "./data";
import { NTSTATUS, SUBCODES, statusText, referencePage, codeName } from "./codes";
import { classifyAddress, describePoolPlace, AddressKind, PoolPlace } from "./address-kind";
import { readBigPages } from "../pool/bigpages";
import { parseTagPattern } from "../pool/tags";
import { decodeUnloadedDrivers, driverNameFromUtf16, unloadedSlotContaining } from "./unloaded";
import { lookupPoolNeighbours, poolIsSegmentHeap, NeighbourLookup, PoolNeighbour, POOL_PAGE } from "./pool-neighbours";
import { findTagOwners } from "../pool/owners";
import { tagBytes } from "../pool/tags";
import { formatSource } from "../core/symbol-line";
import { ReportedException, accessOf, shortSymbol } from "./user-exception";
import { blockContaining, renderHeapLookup } from "./heap-lookup";
import { walkProcessHeaps, isHeapWalkFailure } from "../heap/process-heaps";
import { sizeText } from "../render/report";
import { contextBytesNeeded, decodeContext, decodeExceptionPointers, decodeExceptionRecord, memoryFault, ExceptionRecord } from "./exception";
import { isMemCompression, parseThreadProcesses } from "./thread";
import { KTHREAD_STACK } from "../layouts/thread";
import { decodeThreadStack, threadStackSpan, ThreadStack } from "./thread-stack";

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
  /** The code without the _M flag when the code carries it (0x7E for 0x1000007E), else Code. */
  BaseCode: number;
  Name: string;
  /** The driver the verdict names (file name), or null when the triage could not attribute the crash. */
  Driver: string | null;
  Parameters: ParameterRecord[];
  Findings: string[];
  Verdict: string;
  NextCommands: NextCommand[];
  /** Where the code and parameters came from: nt!KiBugCheckData or .bugcheck. */
  Source: string;
  /** What each layout the decoding used came from, in full ("_EXCEPTION_RECORD: from nt's symbols", or why built-in). */
  Layouts: string[];
  toString(): string;
}

/** A triage and the built-in layouts it used, for the short once-per-session `Layout:` line (render/report.ts layoutNote). */
export interface TriageResult {
  record: TriageRecord;
  builtInLayouts: ResolvedLayout[];
}

interface Work {
  target: Target;
  bugcheck: BugCheck;
  meanings: string[];
  findings: string[];
  next: NextCommand[];
  layouts: string[];
  /** The built-in layouts among them, one per structure, for layoutNote. */
  builtIn: ResolvedLayout[];
  verdict: string | null;
  /** The code the decoders and tables use: the code without the _M flag. */
  code: number;
  driver: string | null;
  unloaded: { name: string; start: Address; end: Address }[] | null;
  /** The crashing thread's stack bounds: undefined until asked for, null when they could not be read. */
  threadStack?: ThreadStack | null;
  /** Why threadStack is null, said only if the address stays unclassified. */
  threadStackProblem?: string;
}

export function triageBugCheck(target: Target, bugcheck: BugCheck): TriageResult {
  const named = codeName(bugcheck.code);
  const info = named.info;
  const w: Work = {
    target,
    bugcheck,
    meanings: info ? info.parameters.slice() : ["Unknown", "Unknown", "Unknown", "Unknown"],
    findings: [],
    next: [],
    layouts: [],
    builtIn: [],
    verdict: null,
    code: named.base,
    driver: null,
    unloaded: null,
  };
  if (named.isM) w.findings.push(messages.triageMFlag(hex(bugcheck.code), hex(named.base)));
  applySubcode(w);
  try {
    const decoder = DECODERS[named.base];
    if (decoder) decoder(w);
  } catch (e) {
    // A decoder that stops still leaves the name, the parameters and what it found so far.
    w.findings.push(messages.triageDecoderStopped(e && (e as Error).message ? (e as Error).message : String(e)));
  }
  if (!w.verdict) w.verdict = info ? messages.triageNoDecoder(info.name) : messages.triageUnknownCode(hex(bugcheck.code));
  w.next.unshift({ Command: "!analyze -v", Why: "the debugger's own analysis of this bugcheck", toString: () => "!analyze -v" });
  const name = named.name;
  const parameters = bugcheck.parameters.map((value, i) => {
    const meaning = w.meanings[i];
    const label = "Arg" + (i + 1);
    return { Name: label, Value: value, Meaning: meaning, toString: () => label + ": " + value.format(target.pointerSize) + " " + meaning };
  });
  const verdict = w.verdict;
  const record: TriageRecord = {
    Code: bugcheck.code,
    BaseCode: named.base,
    Name: name,
    Driver: w.driver,
    Parameters: nouned(parameters, "parameter", "parameters"),
    Findings: nouned(w.findings, "finding", "findings"),
    Verdict: verdict,
    NextCommands: nouned(w.next, "command", "commands"),
    Source: bugcheck.source,
    Layouts: nouned(w.layouts, "layout", "layouts"),
    toString: () => name + " (" + hex(bugcheck.code) + "): " + verdict,
  };
  return { record, builtInLayouts: w.builtIn };
}

/**
 * Names a collection's elements for dx ("4 parameters", not "4 entries"): the non-enumerable `collectionNoun`
 * property ([singular, plural]) that host/model.ts's toModel reads for a command-named array (the audit20 branch's
 * namedCollection sets the same property). Non-enumerable, so dx and LINQ never see it; the array is returned as is.
 */
export function nouned<T>(items: T[], singular: string, pluralNoun: string): T[] {
  Object.defineProperty(items, "collectionNoun", { value: [singular, pluralNoun], enumerable: false });
  return items;
}

/** Notes a resolved layout: its full description for the record, and, when built-in, for the short Layout: line. */
function noteLayout(w: Work, resolved: ResolvedLayout): void {
  if (w.layouts.indexOf(resolved.description) < 0) w.layouts.push(resolved.description);
  if (resolved.origin === "built-in" && !w.builtIn.some((l) => l.typeName === resolved.typeName)) w.builtIn.push(resolved);
}

/** For codes whose Arg1 is a subcode: its meaning and the meanings of Arg2..Arg4, or say it is unknown. */
function applySubcode(w: Work): void {
  const table = SUBCODES[w.code];
  if (!table) return;
  const p1 = w.bugcheck.parameters[0];
  const sub = p1.hi === 0 ? table[p1.lo] : undefined;
  if (!sub) {
    w.findings.push(messages.triageUnknownSubcode(p1.toString(), referencePage(w.code)));
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
  0x1e: decodeExceptionBugcheck,
  0x7e: decodeExceptionBugcheck,
  0x8e: decodeExceptionBugcheck,
  0x3b: decodeExceptionBugcheck,
  0x139: decodeSecurityCheck,
  0x0a: decodeIrqlFault,
  0xd1: decodeIrqlFault,
  0xc5: decodeIrqlFault,
  0xcc: decodePageFault,
  0xcd: decodePageFault,
  0xd5: decodePageFault,
  0xd6: decodePageFault,
  0x13a: decodeHeapCorruption,
  0xc1: decodeSpecialPoolCorruption,
  0x4e: decodePfnList,
  0x12b: decodeFaultyPage,
};

/**
 * A structure the parameters point to that could not be read: in a dump, plainly "not in this dump" (a triage dump
 * keeps little beyond the crashed thread's stack); on a live session, what the read said (paged out, not mapped).
 */
function notRead(w: Work, what: string, at: Address, from: string, unreadable: Unreadable): string {
  return w.target.isDump ? messages.triageNotInDump(what, fmt(w, at), from) : messages.triageUnreadable(unreadable.describe(w.target.pointerSize));
}

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
  noteLayout(w, resolved);
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
  if (record instanceof Unreadable) w.findings.push(notRead(w, "exception record", ep.ExceptionRecord, "ExceptionRecord of Arg2", record));
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
    if (context instanceof Unreadable) w.findings.push(notRead(w, "context record", ep.ContextRecord, "ContextRecord of Arg2", context));
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

/**
 * Arg2 of 0x50 and the special-pool page faults. Windows 10 debuggers describe it as the x64 page-fault error code
 * ("bit 0 set if the fault was due to a not-present PTE, bit 1 is set if the fault was due to a write, ... bit 4 ...
 * execute of a no-execute PTE", test/fixtures/analyze/analyze-systeminformer1525-x64-50.txt); Windows 7 and 8.1 ones
 * as "value 0 = read operation, 1 = write operation" (analyze-sia1918-win7, analyze-dokany46). Read by the build.
 */
function pageFaultAccess(w: Work, p2: Address): "read" | "write" | "execute" | null {
  const build = w.target.windowsBuild();
  if (w.target.pointerSize === 8 && build !== null && build >= 10240 && p2.hi === 0) return p2.lo & 0x10 ? "execute" : p2.lo & 2 ? "write" : "read";
  return accessWord(p2, false);
}

function decodePageFault(w: Work): void {
  const [p1, p2, p3, p4] = w.bugcheck.parameters;
  const access = pageFaultAccess(w, p2);
  w.findings.push(messages.triageAccess(access || "unknown access (" + p2.toString() + ")", fmt(w, p1)));
  let a: Attribution | null = null;
  if (!p3.isNull) {
    a = attribute(w, p3);
    if (a.driver) w.driver = a.driver;
    w.findings.push(messages.triageFaultingAt(fmt(w, p3), a.where));
    addNext(w, "ln " + fmt(w, p3), "the nearest symbol to the faulting instruction");
  }
  if (w.code === 0x50 && p4.hi === 0 && (p4.lo === 3 || p4.lo === 4)) w.findings.push(messages.triageFaultType(p4.lo));
  const freed = w.code === 0xcc || w.code === 0xd5;
  const beyond = w.code === 0xcd || w.code === 0xd6;
  const kind = classify(w, p1, null, { freedSpecialPool: freed, beyondSpecialPool: beyond, threadStack: true });
  w.verdict = messages.triagePageFault(ACCESS_ING[access || ""] || "referencing", fmt(w, p1), kind.text, a ? a.driver : null, a ? a.where : null);
  addNext(w, "!pte " + fmt(w, p1), "whether the address was ever mapped");
  // Special pool is not the segment heap: !pool shows its page and the owner's tag on every build.
  if (freed || beyond) addNext(w, "!pool " + fmt(w, p1), "whether the address is (freed) pool, and its tag");
  else addressFollowUps(w, p1, kind);
  if ((freed || beyond) && a && a.driver && !a.unloaded) addNext(w, "!verifier 3 " + a.driver, "Driver Verifier's pool log for the driver: the block's allocation and free");
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
    // The verdict says to enable special pool: the driver that allocates the tag (what !leaktag finds) and the exact
    // commands, so the next crash stops at the first free.
    const owner = facts ? tagOwner(w, facts.tag) : null;
    if (owner) w.driver = owner;
    w.verdict = messages.triageDoubleFree(facts ? facts.tag : null) + (owner ? " (the tag is allocated by " + owner + ")" : "");
    if (facts) addSpecialPool(w, facts.tag, owner);
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
  // The old pool's header chain names the block before the damaged one (its usual writer).
  const named = facts ? facts.header : null;
  const n = named ? poolNeighbourFindings(w, named) : null;
  w.verdict = messages.triagePoolCorruption(sub ? sub.meaning : null, facts ? facts.tag : null) + (n && n.before ? messages.triagePoolBeforeSuffix(n.before, n.beforeOwner) : "");
  if (n && n.beforeOwner) w.driver = n.beforeOwner;
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

// --- Attribution: the module (or unloaded driver) an address belongs to, and what a referenced address is ---

interface Attribution {
  /** `amdppm+0x334c`, with the debugger's symbol and source line when it has them. */
  where: string;
  /** The driver's file name (`amdppm.sys`), or `name (unloaded)`; null outside every module. */
  driver: string | null;
  unloaded: boolean;
}

/** Where a code address is: loaded module first, then the unloaded driver whose old range held it. */
function attribute(w: Work, address: Address): Attribution {
  const t = w.target;
  const module = t.moduleContaining(address);
  if (module) {
    const offsetName = moduleOffsetName(address, [module]) || fmt(w, address);
    const s = t.symbolize(address);
    const source = formatSource(s);
    const symbol = s.symbol && s.symbol !== offsetName ? " (" + s.symbol + (source ? " at " + source : "") + ")" : "";
    return { where: offsetName + symbol, driver: module.fileName, unloaded: false };
  }
  // No module in the list (a trimmed or damaged module list): the debugger's own symbol may still name it.
  const s = t.symbolize(address);
  if (s.symbol) {
    const source = formatSource(s);
    const owner = s.symbol.replace(/!.*$/, "");
    return { where: s.symbol + (source ? " at " + source : ""), driver: owner === "nt" ? "ntoskrnl" : owner, unloaded: false };
  }
  const slot = unloadedContaining(w, address);
  if (slot) return { where: fmt(w, address) + ", inside the range " + slot.name + " occupied before it was unloaded", driver: slot.name + " (unloaded)", unloaded: true };
  return { where: fmt(w, address) + " (outside every loaded module)", driver: null, unloaded: false };
}

/** nt!MmUnloadedDrivers, read once per command: a pointer to MI_UNLOADED_DRIVERS entries, in one read. */
function unloadedContaining(w: Work, address: Address): { name: string; start: Address; end: Address } | null {
  if (w.unloaded === null) {
    w.unloaded = [];
    const t = w.target;
    const array = t.readGlobalPointer("nt", "MmUnloadedDrivers");
    const l = array instanceof Address && !array.isNull ? layout(w, UNLOADED_DRIVERS) : null;
    if (array === null) {
      w.findings.push(messages.triageUnloadedListMissing("nt!MmUnloadedDrivers was not found"));
    } else if (array instanceof Unreadable || array.isNull || !l) {
      w.findings.push(messages.triageUnloadedListMissing(array instanceof Unreadable ? array.describe(t.pointerSize) : "the list pointer is null"));
    } else {
      const bytes = t.memory.read(array, MI_UNLOADED_DRIVERS * l.size, "MmUnloadedDrivers");
      if (bytes instanceof Unreadable) w.findings.push(messages.triageUnloadedListMissing(bytes.describe(t.pointerSize)));
      else {
        const slots = decodeUnloadedDrivers(bytes, MI_UNLOADED_DRIVERS, l, t.pointerSize);
        const slot = unloadedSlotContaining(slots, address);
        if (slot) {
          const nameBytes = slot.nameLength > 0 && slot.nameLength <= 512 ? t.memory.read(slot.nameBuffer, slot.nameLength, "unloaded driver name") : null;
          const name = nameBytes && !(nameBytes instanceof Unreadable) ? driverNameFromUtf16(nameBytes) : "an unloaded driver (name unreadable)";
          w.unloaded.push({ name: name || "an unloaded driver (no name)", start: slot.start, end: slot.end });
        }
      }
    }
    if (w.unloaded.length === 0) addNext(w, "lm", "the loaded and the unloaded modules, as the dump records them");
  }
  for (const u of w.unloaded) if (address.compare(u.start) >= 0 && address.compare(u.end) < 0) return u;
  return null;
}

function classify(w: Work, address: Address, stackPointer: Address | null, extra?: { freedSpecialPool?: boolean; beyondSpecialPool?: boolean; threadStack?: boolean }): AddressKind {
  const t = w.target;
  const facts = { pointerSize: t.pointerSize, modules: t.modules(), unloaded: [] as { name: string; start: Address; end: Address }[], stackPointer, freedSpecialPool: extra && extra.freedSpecialPool, beyondSpecialPool: extra && extra.beyondSpecialPool };
  const first = classifyAddress(address, facts);
  // Only a kernel address outside every module is worth the unloaded-driver list's read.
  if (first.kind !== "kernel" && first.kind !== "stack") return first;
  const slot = unloadedContaining(w, address);
  if (slot) return classifyAddress(address, { ...facts, unloaded: [slot] });
  if (first.kind !== "kernel") return first;
  // No stack pointer in the parameters (0x0A, 0xD1, 0x50): the current thread's own bounds say whether it is its stack.
  if (extra && extra.threadStack) {
    const stack = crashingThreadStack(w);
    const onStack = stack ? classifyAddress(address, { ...facts, threadStack: stack }) : null;
    if (onStack && onStack.kind !== "kernel") {
      addNext(w, "!thread " + fmt(w, stack!.thread), "the crashing thread, its stack bounds and call stack");
      if (onStack.kind === "stack-overflow") addNext(w, "kf", "the call stack with each frame's size: the frames that used the stack up");
      return onStack;
    }
  }
  const place = poolPlace(w, address);
  if (place) return describePoolPlace(place, (a) => fmt(w, a), sizeText);
  if (w.threadStackProblem) w.findings.push(messages.triageThreadStackUnknown(w.threadStackProblem));
  return first;
}

/**
 * The bugchecking thread's kernel stack bounds, read once: the thread `!thread` names (in a dump, the thread that
 * called KeBugCheckEx), then one read of its _KTHREAD's InitialStack, StackLimit and StackBase.
 */
function crashingThreadStack(w: Work): ThreadStack | null {
  if (w.threadStack !== undefined) return w.threadStack;
  w.threadStack = null;
  const t = w.target;
  const l = resolveLayout(KTHREAD_STACK, (m, name) => t.type(m, name), t.pointerSize, t.isKernel ? t.windowsBuild() : null);
  if (isLayoutMissing(l)) {
    w.threadStackProblem = "no layout for _KTHREAD (" + l.reason + ")";
    return null;
  }
  const out = t.executeCommand("!thread");
  const thread = out.error ? null : parseThreadProcesses(out.lines).thread;
  if (!thread || thread.isNull) {
    w.threadStackProblem = "!thread " + (out.error ? "failed (" + out.error + ")" : "named no thread");
    return null;
  }
  noteLayout(w, l);
  const span = threadStackSpan(l, t.pointerSize);
  const bytes = t.memory.read(thread.add(span.offset), span.length, "_KTHREAD stack bounds");
  if (bytes instanceof Unreadable) {
    w.threadStackProblem = t.isDump ? "the thread object at " + fmt(w, thread) + " is not in this dump" : bytes.describe(t.pointerSize);
    return null;
  }
  const decoded = decodeThreadStack(thread, bytes, l, t.pointerSize);
  if ("problem" in decoded) {
    w.threadStackProblem = "the thread object at " + fmt(w, thread) + " is damaged or not a thread: " + decoded.problem;
    return null;
  }
  w.findings.push(messages.triageThreadStack(fmt(w, thread), fmt(w, decoded.limit), fmt(w, decoded.base)));
  w.threadStack = decoded;
  return decoded;
}

/**
 * Where in the pool a kernel address outside every module is, when the pool's own records say: a live big
 * allocation (nt!PoolBigPageTable, read once, src/pool/bigpages.ts), else the pool block holding it (the lookup
 * 0x13A uses: the segment-heap subsegment's walk from 1809, the page's _POOL_HEADER chain before), with the tag's
 * owning driver. Claims nothing the walk could not confirm: an old-pool page only when its header chain runs intact
 * over the whole page, an unused stretch of a subsegment only when its walk met no problem.
 */
function poolPlace(w: Work, address: Address): PoolPlace | null {
  const t = w.target;
  const big = readBigPages(t, parseTagPattern("*")!);
  if (big.kind === "bigPages") {
    noteLayout(w, big.layout);
    for (const a of big.allocations) {
      const offset = address.distanceFrom(a.address);
      if (offset !== null && offset < Math.max(a.size, 1)) {
        return { kind: "big", address: a.address, size: a.size, offset, tag: a.tag, pool: a.paged ? "Paged" : "NonPaged", owner: tagOwner(w, a.tag) };
      }
    }
  } else {
    // readBigPages names a missing symbol by its name alone, an unreadable read by what and where.
    const why = /^nt!\w+$/.test(big.reason) ? big.reason + " was not found" : big.reason;
    w.findings.push(messages.triagePoolWalkProblem("big page table", "not read: " + why));
  }
  const n = lookupPoolNeighbours(t, address);
  if (n.layout) noteLayout(w, n.layout);
  const c = n.containing;
  const trusted = n.method === "segment heap" ? n.problems.length === 0 : !!n.chainComplete;
  if (c && (n.method === "segment heap" || trusted)) {
    const after = address.distanceFrom(c.header);
    const offset = after !== null ? after : -(c.header.distanceFrom(address) || 0);
    if (c.busy) return { kind: "block", header: c.header, size: c.size, offset, tag: c.tag, owner: tagOwner(w, c.tag), method: n.method };
    return { kind: "free-block", header: c.header, size: c.size, offset, tag: c.tag };
  }
  if (!c && n.subsegment && trusted) return { kind: "unused", subsegment: n.subsegment };
  if (n.method === "pool page" && !trusted && n.problems.length === 0) {
    w.findings.push(messages.triagePoolWalkProblem(n.method, "the _POOL_HEADER chain of the page at " + fmt(w, address.alignDown(POOL_PAGE)) + " does not run intact to its end: not a small-block pool page, or a damaged one; not classified"));
  }
  for (const problem of n.problems.slice(0, 2)) w.findings.push(messages.triagePoolWalkProblem(n.method, problem));
  return null;
}

/** The follow-ups for a referenced address: `!pool` where it works (never on a segment-heap block), `db` on a block. */
function addressFollowUps(w: Work, address: Address, kind: AddressKind): void {
  if (kind.kind === "big-pool") addNext(w, "!pool " + fmt(w, address), "the big allocation as the debugger shows it: its tag and pool");
  else if (kind.block) addNext(w, "db " + fmt(w, kind.block.header) + " L0x" + Math.min(kind.block.size, 0x400).toString(16), "the pool block's header and bytes");
  if ((kind.kind === "kernel" || kind.kind === "pool-free" || kind.kind === "pool-block") && !poolIsSegmentHeap(w.target)) {
    addNext(w, "!pool " + fmt(w, address), "whether the address is pool or freed pool, and its tag");
  }
}

function accessWord(value: Address, bitfield: boolean): "read" | "write" | "execute" | null {
  if (value.hi !== 0) return null;
  if (bitfield) return value.lo & 8 ? "execute" : value.lo & 1 ? "write" : "read";
  return value.lo === 0 ? "read" : value.lo === 1 ? "write" : value.lo === 2 || value.lo === 8 ? "execute" : null;
}

const ACCESS_ING: { [a: string]: string } = { read: "reading", write: "writing", execute: "executing" };

// --- 0x1E, 0x7E, 0x8E, 0x3B: an exception in kernel mode nobody handled ---

interface ExceptionSpec {
  /** Argument index (0-3) of each structure, or -1. */
  record: number;
  context: number;
  trap: number;
  /** 0x1E passes the exception's first two parameters in Arg3 and Arg4 (MSD 0x1E). */
  infoInArgs: boolean;
}

const EXCEPTION_SPECS: { [code: number]: ExceptionSpec } = {
  0x1e: { record: -1, context: -1, trap: -1, infoInArgs: true },
  0x7e: { record: 2, context: 3, trap: -1, infoInArgs: false },
  0x8e: { record: -1, context: -1, trap: 2, infoInArgs: false },
  0x3b: { record: -1, context: 2, trap: -1, infoInArgs: false },
  0x139: { record: 2, context: -1, trap: 1, infoInArgs: false },
};

function decodeExceptionBugcheck(w: Work): void {
  const p = w.bugcheck.parameters;
  exceptionVerdict(w, EXCEPTION_SPECS[w.code], p[0].lo, p[1]);
}

function decodeSecurityCheck(w: Work): void {
  const p = w.bugcheck.parameters;
  const type = p[0].hi === 0 ? p[0].lo : -1;
  const sub = type >= 0 ? SUBCODES[0x139][type] : undefined;
  if (type === 3) w.findings.push(messages.triageListEntry());
  const hasRecord = !p[2].isNull;
  const r = hasRecord || !p[1].isNull ? exceptionParts(w, { record: hasRecord ? 2 : -1, context: -1, trap: p[1].isNull ? -1 : 1, infoInArgs: false }, 0xc0000409, Address.ZERO) : null;
  const where = r && r.attribution ? r.attribution : null;
  if (where && where.driver) w.driver = where.driver;
  w.verdict = messages.triageSecurityCheck(sub ? sub.meaning : "type " + p[0].toString(), where ? where.where : null, where ? where.driver : null, type === 3);
  if (type === 3 && where && where.driver) addSpecialPool(w, null, where.driver);
}

interface ExceptionParts {
  code: number;
  address: Address;
  record: ExceptionRecord | null;
  fault: { access: string; address: Address } | null;
  ip: Address | null;
  sp: Address | null;
  attribution: Attribution | null;
}

/** Reads what the spec points at; each structure the dump lacks is said plainly and the parameters are kept. */
function exceptionParts(w: Work, spec: ExceptionSpec, code: number, address: Address): ExceptionParts {
  const t = w.target;
  const p = w.bugcheck.parameters;
  const out: ExceptionParts = { code, address, record: null, fault: null, ip: null, sp: null, attribution: null };
  if (spec.record >= 0) {
    const at = p[spec.record];
    const l = layout(w, EXCEPTION_RECORD);
    const bytes = l ? t.memory.read(at, l.size, "EXCEPTION_RECORD") : null;
    if (bytes instanceof Unreadable) w.findings.push(notRead(w, "exception record", at, "Arg" + (spec.record + 1), bytes));
    else if (bytes && l) {
      const r = decodeExceptionRecord(bytes, l, t.pointerSize);
      out.record = r;
      out.code = r.ExceptionCode;
      out.address = r.ExceptionAddress;
      w.findings.push(messages.triageExceptionRecord(statusText(r.ExceptionCode), fmt(w, r.ExceptionAddress), r.ExceptionFlags, r.NumberParameters));
      if (r.countCapped) w.findings.push(messages.triageParameterCountCapped(r.NumberParameters));
      const f = memoryFault(r);
      if (f) out.fault = { access: f.access, address: f.address };
    }
    addNext(w, ".exr " + fmt(w, at), "the exception record, as the debugger shows it");
  }
  if (spec.infoInArgs && code === 0xc0000005) {
    const access = accessWord(p[2], false);
    out.fault = { access: access || "unknown access", address: p[3] };
  }
  const frame = spec.context >= 0 ? { at: p[spec.context], arg: spec.context, spec: t.pointerSize === 8 ? CONTEXT_X64 : CONTEXT_X86, what: "context record", cmd: ".cxr " }
    : spec.trap >= 0 && t.pointerSize === 8 ? { at: p[spec.trap], arg: spec.trap, spec: KTRAP_FRAME_X64, what: "trap frame", cmd: ".trap " } : null;
  if (frame) {
    const l = layout(w, frame.spec);
    const bytes = l ? t.memory.read(frame.at, contextBytesNeeded(l, t.pointerSize), frame.spec.typeName) : null;
    if (bytes instanceof Unreadable) w.findings.push(notRead(w, frame.what, frame.at, "Arg" + (frame.arg + 1), bytes));
    else if (bytes && l) {
      const c = decodeContext(bytes, l, t.pointerSize);
      out.ip = c.InstructionPointer;
      out.sp = c.StackPointer;
      w.findings.push(messages.triageRegisters(frame.what, fmt(w, c.InstructionPointer), fmt(w, c.StackPointer)));
    }
    addNext(w, frame.cmd + fmt(w, frame.at) + " ; k", "the registers and the stack at the exception");
  }
  const faulting = !out.address.isNull ? out.address : out.ip;
  if (faulting) {
    out.attribution = attribute(w, faulting);
    w.findings.push(messages.triageFaultingAt(fmt(w, faulting), out.attribution.where));
  }
  if (out.fault) w.findings.push(messages.triageAccessViolation(out.fault.access, fmt(w, out.fault.address)));
  return out;
}

function exceptionVerdict(w: Work, spec: ExceptionSpec, code: number, address: Address): void {
  const r = exceptionParts(w, spec, code, address);
  const a = r.attribution;
  if (a && a.driver) w.driver = a.driver;
  let fault: string | null = null;
  if (r.fault) {
    const kind = classify(w, r.fault.address, r.sp);
    fault = (ACCESS_ING[r.fault.access] || r.fault.access) + " " + fmt(w, r.fault.address) + " (" + kind.text + ")";
    addressFollowUps(w, r.fault.address, kind);
    if (kind.kind !== "null" && kind.kind !== "minus-one" && kind.kind !== "non-canonical") addNext(w, "!pte " + fmt(w, r.fault.address), "whether the address was mapped");
  }
  w.verdict = messages.triageExceptionVerdict(exceptionWords(r.code), a ? a.driver : null, a ? a.where : null, fault, a ? a.unloaded : false);
  if (a && a.driver && !a.unloaded) addNext(w, "lmvm " + lmName(a.driver), "the driver's version, timestamp and path");
}

/** The name `lm` knows a module by: the file name's stem, except the kernel, which the debugger calls `nt`. */
function lmName(fileName: string): string {
  return isKernelImageName(fileName) ? "nt" : fileName.replace(/\.[^.]*$/, "");
}

/** "An access violation", "A breakpoint", or the code's name. */
function exceptionWords(code: number): string {
  if (code === 0xc0000005) return "An access violation";
  const info = NTSTATUS[code];
  return info ? "Exception " + hex8(code) + " " + info.name + " (" + info.meaning + ")" : "Exception " + hex8(code);
}

// --- 0x0A, 0xD1, 0xC5: a reference at too high an IRQL ---

function decodeIrqlFault(w: Work): void {
  const [referenced, irql, operation, instruction] = w.bugcheck.parameters;
  const access = accessWord(operation, w.code === 0x0a) || "access";
  const a = instruction.isNull ? null : attribute(w, instruction);
  if (a) {
    w.findings.push(messages.triageFaultingAt(fmt(w, instruction), a.where));
    if (a.driver) w.driver = a.driver;
    addNext(w, "ln " + fmt(w, instruction), "the nearest symbol to the instruction");
  }
  const kind = classify(w, referenced, null, { threadStack: true });
  w.findings.push(messages.triageReferenced(fmt(w, referenced), kind.text, irql.lo));
  w.verdict = messages.triageIrqlVerdict(ACCESS_ING[access] || access, fmt(w, referenced), kind.text, irql.lo, a ? a.driver : null, a ? a.where : null, w.code === 0xc5);
  addNext(w, "!pte " + fmt(w, referenced), "whether the address was mapped (paged out at raised IRQL, or never valid)");
  addressFollowUps(w, referenced, kind);
  if (w.code === 0xc5 && a && a.driver && !a.unloaded) addSpecialPool(w, null, a.driver);
}

// --- 0x13A KERNEL_MODE_HEAP_CORRUPTION and the pool neighbours ---

function decodeHeapCorruption(w: Work): void {
  const p = w.bugcheck.parameters;
  const type = p[0].hi === 0 ? p[0].lo : -1;
  const sub = type >= 0 ? SUBCODES[0x13a][type] : undefined;
  w.findings.push(messages.triageHeapCorruption(fmt(w, p[1]), fmt(w, p[2])));
  const n = poolNeighbourFindings(w, p[2]);
  w.verdict = messages.triageHeapVerdict(sub ? sub.meaning : "corruption type " + p[0].toString(), fmt(w, p[2]), n.containing, n.before, n.beforeOwner);
  if (n.beforeOwner) w.driver = n.beforeOwner;
}

interface NeighbourVerdict {
  containing: string | null;
  before: string | null;
  beforeOwner: string | null;
}

/** The block an address is in and the block before it, their tags and owning drivers, and special pool on them. */
function poolNeighbourFindings(w: Work, address: Address): NeighbourVerdict {
  const t = w.target;
  const n: NeighbourLookup = lookupPoolNeighbours(t, address);
  if (n.layout) noteLayout(w, n.layout);
  for (const problem of n.problems.slice(0, 5)) w.findings.push(messages.triagePoolWalkProblem(n.method, problem));
  if (n.chainBrokenAt) w.findings.push(messages.triagePoolChainBroken(fmt(w, n.chainBrokenAt)));
  const describe = (b: PoolNeighbour | null, role: string): string | null => {
    if (!b) return null;
    w.findings.push(messages.triagePoolNeighbour(role, fmt(w, b.header), b.tag, b.size, b.busy));
    return b.tag;
  };
  const containing = describe(n.containing, "The block holding " + fmt(w, address));
  if (!n.containing && n.problems.length === 0) w.findings.push(messages.triageNoPoolBlock(fmt(w, address), n.method));
  const before = describe(n.before, "The block before it");
  const beforeOwner = before && n.before && n.before.busy ? tagOwner(w, before) : null;
  if (containing && containing !== before) tagOwner(w, containing);
  if (n.before) addNext(w, "db " + fmt(w, n.before.header) + " L0x" + Math.min(n.before.size + 0x20, 0x400).toString(16), "the block before, its end and the damaged header after it");
  if (n.method === "pool page") addNext(w, "!pool " + fmt(w, address), "the pool page around the address, with each block's tag");
  if (before && n.before && n.before.busy) addSpecialPool(w, before, beforeOwner);
  return { containing, before, beforeOwner };
}

/** The driver whose code uses the tag as an allocation tag (what !leaktag knows), as a finding; its file name or null. */
function tagOwner(w: Work, tag: string): string | null {
  if (!/^[\x20-\x7e]{4}$/.test(tag)) return null;
  const search = findTagOwners(w.target, tagBytes(tag));
  const owners = search.owners.filter((o) => o.module.name.toLowerCase() !== "nt" && !/^nt(oskrnl|krnl)/i.test(o.module.fileName));
  const best = owners.length ? owners[0] : search.owners.length ? search.owners[0] : null;
  // Images that could not be read were not searched: said, so a missing owner is not taken for none.
  if (search.notSearched.length) w.findings.push(messages.triageTagNotSearched(tag, search.notSearched.length, search.notSearched[0].module + " " + search.notSearched[0].section + ": " + search.notSearched[0].reason));
  if (!best) {
    w.findings.push(messages.triageTagNoOwner(tag, search.modulesSearched));
    return null;
  }
  const site = best.hits.length ? " at " + best.module.name + "+0x" + best.hits[0].rva.toString(16) : "";
  w.findings.push(messages.triageTagOwner(tag, best.module.fileName, best.confidence, site, owners.length > 1 ? owners.slice(1).map((o) => o.module.fileName) : []));
  for (const problem of best.problems.slice(0, 2)) w.findings.push(messages.triageTagOwnerProblem(best.module.fileName, problem));
  return best.module.fileName;
}

/** The next step that catches the writer in the act: special pool on the driver (Driver Verifier) or on the tag. */
function addSpecialPool(w: Work, tag: string | null, driver: string | null): void {
  // verifier /flags 0x1 /driver x.sys: "Verifier Command Line" (learn.microsoft.com/windows-hardware/drivers/devtest/
  // verifier-command-line), flag 0x1 = special pool; gflags /r +spp Tag: "GFlags Commands" and "Example 14: Configuring
  // Special Pool" (learn.microsoft.com/windows-hardware/drivers/debugger/), stored as the PoolTag registry value.
  if (driver && /^[A-Za-z0-9_.\-]{1,64}$/.test(driver)) {
    addNext(w, "verifier /flags 0x1 /driver " + driver, "on the crashed machine, then reboot: special pool for " + driver + " stops it at the bad write");
  }
  if (tag && /^[A-Za-z0-9_]{4}$/.test(tag)) {
    addNext(w, "gflags /r +spp " + tag, "on the crashed machine, then reboot: special pool for tag '" + tag + "' only");
  }
}

// --- 0xC1, 0x4E, 0x12B ---

/** MSD bug-check-0xc1--special-pool-detected-memory-corruption: Parameter 4 values. */
const SPECIAL_POOL_TYPES: { [type: number]: string } = {
  0x20: "the driver freed special pool that was not allocated",
  0x21: "the driver freed a bad address",
  0x22: "the driver freed a bad address",
  0x23: "the driver freed an address whose nearby bytes in the same page were overwritten (an overrun)",
  0x24: "the driver freed an address whose bytes before the allocation were overwritten (an underrun)",
  0x30: "the driver allocated pool at an incorrect IRQL",
  0x31: "the driver freed pool at an incorrect IRQL",
};

function decodeSpecialPoolCorruption(w: Work): void {
  const p = w.bugcheck.parameters;
  const type = p[3].hi === 0 ? p[3].lo : -1;
  const meaning = SPECIAL_POOL_TYPES[type];
  w.meanings[3] = "Type " + p[3].toString() + (meaning ? ": " + meaning : " (not in leaktools' table)");
  w.verdict = messages.triageSpecialPool(meaning || "violation type " + p[3].toString(), fmt(w, p[0]));
  addNext(w, "!pool " + fmt(w, p[0]), "the special pool page and its owner's tag");
  addNext(w, "!verifier 3", "Driver Verifier's view: which driver allocated the block");
}

function decodePfnList(w: Work): void {
  const p = w.bugcheck.parameters;
  const type = p[0].hi === 0 ? p[0].lo : -1;
  const sub = type >= 0 ? SUBCODES[0x4e][type] : undefined;
  const driverBug = type === 0x07 || type === 0x9a;
  w.verdict = messages.triagePfnList(sub ? sub.meaning : "subcode " + p[0].toString(), driverBug);
  if (driverBug) addNext(w, "verifier /standard /all", "on the crashed machine, then reboot: Driver Verifier catches the driver that unlocks pages wrongly");
  else addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine: PFN corruption is often failing RAM");
}

function decodeFaultyPage(w: Work): void {
  const p = w.bugcheck.parameters;
  // Two parameter sets, told apart by whether Arg3 and Arg4 are zero (Microsoft's docs team, MicrosoftDocs/
  // windows-driver-docs issue 2100); only the first is documented. Real reports of the second (test/fixtures/analyze,
  // process MemCompression) carry an NTSTATUS-like ffffffff`c00002c4 in Arg1, so Arg1 is not read as an address there.
  if (!p[2].isNull || !p[3].isNull) {
    w.verdict = messages.triageFaultyPageSecondSet(fmt(w, p[0]), p[1].toString());
    w.findings.push(messages.triageFaultyPageSecondSetFinding(fmt(w, p[2]), fmt(w, p[3])));
  } else w.verdict = messages.triageFaultyPage(fmt(w, p[0]), p[1].toString());
  addNext(w, "!errrec", "the hardware error record (WHEA) behind the report");
  addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine");
}

// --- User mode: the exception `.exr -1` reports ---

export interface UserExceptionRecord {
  ExceptionCode: number;
  Name: string;
  Address: Address;
  /** The module's file name holding the faulting address, or null. */
  Driver: string | null;
  Findings: string[];
  Verdict: string;
  NextCommands: NextCommand[];
  toString(): string;
}

export function triageUserException(target: Target, e: ReportedException): UserExceptionRecord {
  const ps = target.pointerSize;
  const next: NextCommand[] = [];
  const add = (command: string, why: string) => next.push({ Command: command, Why: why, toString: () => command });
  const findings: string[] = [];
  const module = target.moduleContaining(e.address);
  const offsetName = module ? moduleOffsetName(e.address, [module]) : null;
  const where = e.symbol ? shortSymbol(e.symbol) : offsetName || e.address.format(ps);
  findings.push(messages.triageUserException(statusText(e.code), e.address.format(ps), where, e.flags, e.parameters.length));
  const info = NTSTATUS[e.code];
  const words = e.code === 0xc0000005 ? "An access violation" : "Exception " + hex8(e.code) + (info ? " " + info.name + " (" + info.meaning + ")" : e.codeText ? " (" + e.codeText + ")" : "");
  const av = accessOf(e);
  let fault: string | null = null;
  if (av) {
    const kind = classifyAddress(av.address, { pointerSize: ps, modules: target.modules(), unloaded: [], stackPointer: null });
    // From user mode, an address in the upper half is the kernel's: the process may not touch it.
    const text =
      kind.kind === "kernel" || (kind.kind === "module" && av.address.hi >= 0x8000) ? "a kernel-space address, never valid from user mode"
      : kind.kind === "user" ? "an address of the process it could not touch: freed or never allocated, a stale or wild pointer"
      : kind.text;
    fault = (av.access ? ACCESS_ING[av.access] : "accessing") + " " + av.address.format(ps) + " (" + text + ")";
    findings.push(messages.triageAccessViolation(av.access || "unknown access", av.address.format(ps)));
    if (kind.kind === "user") {
      // The heap block the address falls in, busy or free, and the block before it (issue 20's process heap walk).
      const walk = walkProcessHeaps(target, { includeFree: true, readFirstPointer: false });
      if (isHeapWalkFailure(walk)) findings.push(messages.triageHeapWalkFailed(walk.message));
      else {
        // Layout provenance, once per distinct built-in layout (output conventions 2): nothing when ntdll's symbols gave it.
        const seen: string[] = [];
        for (const h of walk.heaps) if (h.layout && /built-in/i.test(h.layout) && seen.indexOf(h.layout) < 0) seen.push(h.layout);
        for (const l of seen) findings.push(messages.triageHeapLayout(l));
        const lookup = blockContaining(walk, av.address);
        for (const line of renderHeapLookup(lookup, av.address.format(ps), (a) => a.format(ps))) findings.push(line);
        for (const part of walk.notWalked.slice(0, 3)) findings.push(messages.triageHeapPartNotWalked(part.part, part.address ? part.address.format(ps) : "?", part.reason));
        const c = lookup.containing;
        if (c && !c.busy) fault += messages.triageInFreedBlock(sizeText(c.size));
        else if (c && c.offset >= c.size) fault += messages.triagePastBusyBlock(sizeText(c.size));
        if (c && c.stackRecord) add("dt ntdll!_RTL_STACK_TRACE_ENTRY " + c.stackRecord.format(ps), "the allocation stack of the block (+ust)");
      }
      add("!heap -p -a " + av.address.format(ps), "the debugger's view of the block (with page heap: its allocation and free stacks)");
    }
    add("!address " + av.address.format(ps), "what the address is: heap, stack, image, or free");
  }
  const driver = module ? module.fileName : null;
  const verdict = messages.triageExceptionVerdict(words, driver, driver ? where : where, fault, false);
  add(".ecxr ; k", "the registers and the stack at the exception");
  if (module) add("lmvm " + module.name, "the module's version, timestamp and path");
  return {
    ExceptionCode: e.code,
    Name: info ? info.name : e.codeText || "exception " + hex8(e.code),
    Address: e.address,
    Driver: driver,
    Findings: nouned(findings, "finding", "findings"),
    Verdict: verdict,
    NextCommands: nouned(next, "command", "commands"),
    toString: () => verdict,
  };
}
