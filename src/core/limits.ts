// Named caps on numbers that come from the target. Each says why it is the size it is.

export const limits = {
  /** A list longer than this is treated as corrupted: no heap or loader list in a sane process comes close. */
  maxListEntries: 1000000,
  /** Largest single host read. Over KDNET the debugger splits reads into 4,000-byte packets itself; larger reads
   *  only save host calls, and 1 MiB bounds the memory one call can pin. */
  maxReadBytes: 0x100000,
  /** Largest range one command reads as a whole (an image searched for a tag, a table): 256 MB. Larger is a
   *  corrupt size, not a module or a table. */
  maxImageBytes: 0x10000000,
  /** A tag table larger than this (entries) is corrupt: real PoolTrackTableSize values are 2^11..2^16. */
  maxPoolTrackEntries: 0x100000,
  /** Characters read from a target string before it is cut. */
  maxTargetString: 512,
  /** Characters of a tag description file read (a pooltag.txt): the debugger's own is under 1 MB, so a larger file
   *  is something else. */
  maxTagFileChars: 0x1000000,
  /** Lines of debugger command output parsed. */
  maxCommandLines: 200000,
  /** Allocator call sites of one tag kept per module: real drivers have dozens (70+ in one Microsoft driver); each
   *  takes ten bytes of code at least, so only a corrupt or crafted image comes near. */
  maxAllocationSitesPerModule: 65536,
} as const;

/** Caps of the user-mode heap walkers (issue 20): past them a heap structure is taken as corrupt. */
export const heapWalkLimits = {
  /** Segments of one NT heap: a growable heap doubles each new segment's reserve, so even 64 is far beyond real use. */
  maxSegmentsPerHeap: 1024,
  /** Uncommitted ranges of one segment: each is at least a page, and a segment reserves at most a few hundred MB. */
  maxUncommittedRangesPerSegment: 0x10000,
  /** Bytes from FirstEntry to LastValidEntry of one segment: segments are reserved in tens of MB; 4 GB is corrupt. */
  maxSegmentBytes: 0x100000000,
  /** Virtual blocks of one heap: each is at least 512 KB (x64) of address space, so a million needs 512 GB. */
  maxVirtualBlocksPerHeap: 1000000,
  /** Bytes of a segment read beyond what its header says is committed: one page, for a count rounded down. */
  segmentCommitSlack: 0x1000,
  /** Bytes of a virtual block read as an LFH UserBlocks: the largest UserBlocks is below 1 MB (0xF0000 on x86). */
  maxUserBlocksBytes: 0x200000,
  /** Busy nodes of one full page heap: each holds at least two pages of address space, so 2^20 need 8 GB+ (x64). */
  maxPageHeapBlocks: 1000000,
  /** Parts named as not walked in one heap: a heap damaged everywhere is told in the first ones. */
  maxPartsNotWalkedPerHeap: 256,
} as const;

export const PAGE_SIZE = 0x1000;
/** The kd protocol moves at most this many bytes of memory per packet (PACKET_MAX_SIZE). */
export const KD_PACKET_BYTES = 4000;

/**
 * Caps on how much work one command does on a large target. Unlike the caps above (which tell a corrupt value
 * from a real one), these trade completeness for time over a slow link, so the user can raise them for the
 * session with `!ltlimits ("name", value)`; each command that hits one says so and names it.
 */
export interface WorkLimit {
  readonly name: WorkLimitName;
  /** The commands it bounds, for !ltlimits. */
  readonly commands: string;
  readonly defaultValue: number;
  /** Values above this are refused: past it the cap would no longer protect the session from a corrupt target. */
  readonly ceiling: number;
  readonly reason: string;
}

export type WorkLimitName =
  | "maxSearchBytesPerImage"
  | "maxModules"
  | "maxBlocksPerHeap"
  | "maxSymbolizedCallers"
  | "maxAllocations"
  | "maxPoolBytesWalked"
  | "maxSymbolizedFrames"
  | "maxHeapStackGroups";

export const WORK_LIMITS: readonly WorkLimit[] = [
  {
    name: "maxSearchBytesPerImage",
    commands: '!leaktag "Tag"',
    defaultValue: 0x4000000,
    ceiling: limits.maxImageBytes,
    reason: "bytes of one module searched for a tag; drivers are rarely above 64 MB (ntoskrnl is ~11 MB), and over KDNET 64 MB is ~8 s",
  },
  {
    name: "maxModules",
    commands: '!findimporter, !leaktag "Tag"',
    defaultValue: 4096,
    ceiling: 0x10000,
    reason: "modules examined; a real system loads a few hundred",
  },
  {
    name: "maxBlocksPerHeap",
    commands: "!virtblocks, !virtstacks",
    defaultValue: 200000,
    ceiling: 0x1000000,
    reason: "virtual blocks walked in one heap; each is at least 512 KB of address space (x64), so more is a corrupted list",
  },
  {
    name: "maxSymbolizedCallers",
    commands: "!unloadleaks",
    defaultValue: 512,
    ceiling: 0x10000,
    reason: "distinct caller addresses symbolized; each costs one `u <address> L1` round trip",
  },
  {
    name: "maxAllocations",
    commands: "!unloadleaks",
    defaultValue: 1000000,
    ceiling: 0x1000000,
    reason: "verifier-tracked allocations listed for one driver",
  },
  {
    name: "maxPoolBytesWalked",
    commands: '!poolallocs "Tag"',
    defaultValue: 0x10000000,
    ceiling: 0x1000000000,
    reason: "bytes of pool subsegments read looking for a tag's small blocks; 256 MB is ~32 s over KDNET, and the walk stops sooner once the tracker's count is found",
  },
  {
    name: "maxSymbolizedFrames",
    commands: "@$heapblocks, !heapleaks",
    defaultValue: 1024,
    ceiling: 0x10000,
    reason: "distinct stack frames and type pointers symbolized; each costs one `u <address> L1` round trip (the rest show module+0x..)",
  },
  {
    name: "maxHeapStackGroups",
    commands: "!heapleaks",
    defaultValue: 20,
    ceiling: 0x100000,
    reason: "allocation groups whose stacks are read and symbolized, largest first; the others carry their stack record's address",
  },
];

const current: { [name: string]: number } = {};

/** The value in force for this session (the default until !ltlimits raises it). */
export function workLimit(name: WorkLimitName): number {
  const value = current[name];
  return value === undefined ? findWorkLimit(name)!.defaultValue : value;
}

export function findWorkLimit(name: string): WorkLimit | null {
  for (const l of WORK_LIMITS) if (l.name === name) return l;
  return null;
}

/** Sets a limit for the session; the value must be a whole number from 1 to the limit's ceiling. */
export function setWorkLimit(name: WorkLimitName, value: number): void {
  current[name] = value;
}

export function resetWorkLimits(): void {
  for (const key of Object.keys(current)) delete current[key];
}

/** The hint a command prints beside a limit it hit. */
export function raiseHint(name: WorkLimitName): string {
  const value = Math.min(workLimit(name) * 4, findWorkLimit(name)!.ceiling);
  // A byte limit as hex, the way sizes are printed and the way !ltlimits shows it; a count in decimal.
  return "raise it with !ltlimits (\"" + name + "\", " + (/Bytes/.test(name) ? "0x" + value.toString(16) : value) + ")";
}
