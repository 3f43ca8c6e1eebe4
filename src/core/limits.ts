// Named caps on numbers that come from the target. Each says why it is the size it is.

export const limits = {
  /** A list longer than this is treated as corrupted: no heap or loader list in a sane process comes close. */
  maxListEntries: 1000000,
  /** Largest single host read. Over KDNET the debugger splits reads into 4,000-byte packets itself; larger reads
   *  only save host calls, and 1 MiB bounds the memory one call can pin. */
  maxReadBytes: 0x100000,
  /** Bytes of one module image searched for a tag; drivers are rarely above 64 MB (ntoskrnl is ~11 MB). */
  maxImageBytes: 0x10000000,
  /** A tag table larger than this (entries) is corrupt: real PoolTrackTableSize values are 2^11..2^16. */
  maxPoolTrackEntries: 0x100000,
  /** Characters read from a target string before it is cut. */
  maxTargetString: 512,
  /** Lines of debugger command output parsed. */
  maxCommandLines: 200000,
} as const;

export const PAGE_SIZE = 0x1000;
/** The kd protocol moves at most this many bytes of memory per packet (PACKET_MAX_SIZE). */
export const KD_PACKET_BYTES = 4000;
