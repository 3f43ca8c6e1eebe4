// What every user-mode heap walker returns (issue 20): the NT heap walker (backend, LFH, virtual blocks) and the
// segment-heap walker (VS, LFH, large blocks) both produce these, and @$heapblocks / @$heapleaks / !crashtriage's
// user-mode block lookup consume them. Pure data: no host, no output.
import type { Address } from "../core/address";
import type { LayoutProvenance } from "../render/report";

/** `Backend`, `LFH`, `Virtual` for an NT heap; `VS`, `LFH`, `Large` for a segment heap; `PageHeap` for a full
 *  page heap's block (+hpa; added by the NT heap walker's page-heap walk). */
export type HeapBlockKind = "Backend" | "LFH" | "Virtual" | "VS" | "Large" | "PageHeap";

/** One busy user allocation, as HeapAlloc handed it out. */
export interface HeapBlock {
  /** The user pointer HeapAlloc returned. */
  address: Address;
  /** What HeapSize returns: block size minus unused bytes, minus the +ust header where there is one. */
  size: number;
  /** The heap handle. */
  heap: Address;
  kind: HeapBlockKind;
  /** The block's own header (the _HEAP_ENTRY or chunk header), where the block has one. */
  header: Address | null;
  /** With +ust: the stack trace record's address (the UMDH BackTrace key); else null. */
  stackRecord: Address | null;
  /** The first pointer-sized value of the user data, when it was read (a vtable for a C++ object); else null. */
  firstPointer: Address | null;
  /** The bytes the block takes in the heap (chunk, slot or pages), where the walker knows them. */
  blockBytes?: number;
}

/** A free block, kept only where a caller asks for them (crash triage: "the address is in a freed block"). */
export interface FreeHeapBlock {
  address: Address;
  size: number;
  heap: Address;
  kind: HeapBlockKind;
}

export type HeapType = "NT" | "Segment" | "PageHeap" | "Unknown";

/** One heap of the process and what the walk found in it. */
export interface HeapWalkSummary {
  heap: Address;
  type: HeapType;
  /** LFH enabled (NT heap) / LFH context present (segment heap). */
  lfh: boolean;
  blocks: number;
  bytes: number;
  /** Which layout was used, in the words of the other layout lines ("ntdll's symbols", "built-in layout for ..."). */
  layout: string;
  /** What the walk assumed or fell back to, for the report (a key form, a derived key, a layout from elsewhere). */
  notes?: string[];
  /** The built-in layouts the walk used, for the short provenance line (render/report.ts layoutNote). */
  builtInLayouts?: LayoutProvenance[];
}

/** A part of a heap the walk could not walk: named by address and reason, with what to do where there is something. */
export interface HeapPartNotWalked {
  heap: Address;
  /** "segment", "LFH UserBlocks", "virtual block list", "VS subsegment", "large block tree", "page heap", ... */
  part: string;
  address: Address | null;
  reason: string;
}

export interface ProcessHeapWalk {
  /** Filled only with HeapWalkOptions.includeFree. */
  free: FreeHeapBlock[];
  heaps: HeapWalkSummary[];
  blocks: HeapBlock[];
  notWalked: HeapPartNotWalked[];
  /** FLG_USER_STACK_TRACE_DB (+ust) is set in the PEB's NtGlobalFlag. */
  ust: boolean;
  /** A WOW64 process's 32-bit blocks' stack records (Address.key): their frames are 4 bytes wide. */
  x86Records?: Set<string>;
}

/** What one heap's walker returns; the process walk joins them. `free` is filled only when the caller asks. */
export interface HeapWalkPart {
  summary: HeapWalkSummary;
  blocks: HeapBlock[];
  free: FreeHeapBlock[];
  notWalked: HeapPartNotWalked[];
}

export interface HeapWalkOptions {
  /** Walk only the parts that hold these kinds (!virtblocks asks a segment heap for its Large blocks); all when absent. */
  kinds?: HeapBlockKind[];
  /** Keep free blocks too (crash triage: is an address in a freed block?). */
  includeFree: boolean;
  /** Read each busy block's first pointer-sized value (for `Type`). */
  readFirstPointer: boolean;
  /** Called now and then with the blocks found so far in the heap being walked (for a progress line). */
  onProgress?: (blocksSoFar: number) => void;
}
