// The stack bounds of a kernel thread: _KTHREAD's InitialStack, StackLimit and StackBase. The stack grows down from
// StackBase (exclusive) towards StackLimit; InitialStack sits just below StackBase (the thread's initial frame, under
// the FP save area). nt's symbols first; the built-in offsets below are NOT from the PDB data set of
// test/fixtures/pdb-layouts (research/isf keeps no _KTHREAD), so no variant claims a PDB check.
import { LayoutSpec } from "./types";

export const KTHREAD_STACK: LayoutSpec = {
  module: "nt",
  typeName: "_KTHREAD",
  fields: ["InitialStack", "StackLimit", "StackBase"],
  variants: [
    {
      // Vergilius Project _KTHREAD (x64) for Windows 8 through Windows 11 23H2 (vergiliusproject.com/kernels/x64):
      // InitialStack +0x28, StackLimit +0x30, StackBase +0x38, unchanged since Windows 8 moved StackBase up next to
      // StackLimit; StackLimit 0x30 and StackBase 0x38 also in Bitdefender hvmi's offsets for 17763 x64
      // (cami/sources/windows/opaque_fields/km/windows_17763_x64_kpti_ON.yaml, Thread). `size` is the bytes read (to the end of StackBase), not sizeof(_KTHREAD), which varies by build.
      label: "Windows 8 to 11 x64",
      pointerSize: 8,
      minBuild: 9200,
      size: 0x40,
      offsets: { InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x38 },
      source: "Vergilius Project _KTHREAD x64 (Windows 8-11); hvmi 17763 x64 offsets",
    },
    {
      // Windows 7 SP1 x64 (Vergilius Project _KTHREAD, 7601): InitialStack +0x28, StackLimit +0x30, KernelStack +0x38,
      // StackBase far down at +0x278; StackLimit 0x30 and StackBase 0x278 also in Bitdefender hvmi's offsets for 7601 x64
      // (cami/sources/windows/opaque_fields/km/windows_7601_x64_kpti_OFF.yaml, Thread).
      label: "Windows 7 x64",
      pointerSize: 8,
      maxBuild: 7601,
      size: 0x280,
      offsets: { InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x278 },
      source: "Vergilius Project _KTHREAD x64 (Windows 7 SP1); hvmi 7601 x64 offsets",
    },
    // x86: not known here (no 32-bit layout in the research); resolveLayout says "no built-in layout for 32-bit targets".
  ],
};

/**
 * The most a thread's bounds may span before they are taken as garbage: 1 MB (x64 kernel stacks are KERNEL_STACK_SIZE
 * = 0x6000, large GUI-thread stacks KERNEL_LARGE_STACK_SIZE = 0x12000 in ntddk.h / the WRK; expanded stacks stay far below).
 */
export const MAX_KERNEL_STACK_BYTES = 0x100000;
/** One page below StackLimit is the guard page an overflowing stack runs into (x64 kernel stacks, 4 KB pages). */
export const KERNEL_STACK_GUARD_BYTES = 0x1000;
