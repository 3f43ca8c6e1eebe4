// Which frame of an allocation stack names the code that leaks (userheap-facts §10.5, DESIGN output convention 3):
// the first frame outside the heap itself (ntdll, kernelbase/kernel32), the C runtime (ucrtbase, msvcrt, vcruntime,
// msvcp) and the allocator wrappers. A stack through a library allocator, such as seed 001's
//   ntdll!...  halcon!HXmalloc+0x8b  halcon!HXAllocRLTmp+0x265d  halcon!HXAllocTmp+0xa80  halcon!HCancelWait+0x7a
// names halcon!HCancelWait+0x7a: the frames above the wrappers are what a user wants (as !unloadleaks does for pool
// wrappers). Pure: frame text in, an index out.

/** Modules whose frames are the allocator itself, never the caller; matched on the module name without extension. */
const SYSTEM_ALLOCATOR_MODULES: RegExp[] = [
  /^ntdll$/i,
  /^kernelbase$/i,
  /^kernel32$/i, // LocalAlloc / GlobalAlloc / HeapAlloc forwarders
  /^ucrtbased?$/i,
  /^msvcrt$/i,
  /^msvcr\d+d?$/i, // msvcr100, msvcr120 ...
  /^msvcp\d+(_\w+)?d?$/i, // std::allocator in msvcp140
  /^vcruntime\d+(_\d+)?d?$/i, // operator new in vcruntime140 / vcruntime140_1
  /^api-ms-win-crt-heap-/i,
  /^combase$/i, // CoTaskMemAlloc
  /^ole32$/i,
  /^oleaut32$/i, // SysAllocString
];

/** Allocator entry points by name, in any module (a static CRT links them into the program itself). */
const ALLOCATOR_FUNCTIONS = /^(operator new(\[\])?|operator delete|_?malloc(_base|_dbg)?|_?calloc(_base|_dbg|_impl)?|_?realloc(_base|_dbg)?|_recalloc|_aligned_malloc|_expand|heap_alloc|_heap_alloc(_base|_dbg)?|_nh_malloc(_dbg)?|RtlAllocateHeap|HeapAlloc|HeapReAlloc|LocalAlloc|GlobalAlloc|CoTaskMemAlloc|SysAllocString\w*|std::_Allocate\w*|std::allocator<.*>::allocate)$/;

/**
 * The rule for wrappers the list cannot know (a library's own allocator: halcon!HXmalloc, app!MyAlloc): a function
 * whose own name, after any namespace or class, contains "alloc" (malloc, Alloc, allocate) or is `operator new`.
 * A function named so that is not an allocator costs one frame of precision, never the answer: when every frame
 * matches, the first frame outside the system modules is taken.
 */
const WRAPPER_NAME = /alloc|^operator new/i;

export interface FrameName {
  /** `halcon` in `halcon!HXmalloc+0x8b`, null for an address outside every module. */
  module: string | null;
  /** `HXmalloc`, `CImage::Load`; null for `module+0x...` without a symbol. */
  func: string | null;
}

/** Splits the frame text we print (`module!symbol+0x..`, `module+0x..`, `0x... (JIT? ...)`). */
export function frameName(text: string): FrameName {
  const bang = /^([A-Za-z0-9_.$\-]+)!(.*?)(?:\+0x[0-9a-fA-F]+)?(?: \[.*\])?$/.exec(text);
  if (bang) return { module: bang[1], func: bang[2].trim() || null };
  const plain = /^([A-Za-z0-9_.$\-]+)\+0x[0-9a-fA-F]+$/.exec(text);
  if (plain && !/^0x/i.test(plain[1])) return { module: plain[1], func: null };
  return { module: null, func: null };
}

export function isSystemAllocatorModule(module: string | null): boolean {
  if (!module) return false;
  const stem = module.replace(/\.(dll|exe)$/i, "");
  return SYSTEM_ALLOCATOR_MODULES.some((r) => r.test(stem));
}

/** The function's own name: `ns::Class::Method` -> `Method`, templates left whole. */
function ownName(func: string): string {
  if (/^operator /.test(func)) return func;
  const depthless = func.replace(/<[^<>]*>/g, "<>");
  const parts = depthless.split("::");
  return parts[parts.length - 1];
}

export function isAllocatorWrapper(frame: FrameName): boolean {
  if (!frame.func) return false;
  if (ALLOCATOR_FUNCTIONS.test(frame.func)) return true;
  return WRAPPER_NAME.test(ownName(frame.func));
}

/**
 * The index of the caller frame in `frames` (innermost first), or -1 for an empty stack. Frames in the system
 * allocator modules and the allocator wrappers are passed over; when nothing is left the first frame outside the
 * system modules is the caller, and when the whole stack is system code, its outermost frame.
 */
export function callerIndex(frames: string[]): number {
  if (frames.length === 0) return -1;
  const names = frames.map(frameName);
  // The wrappers are the run of allocator-named frames from the innermost non-system frame outwards: an app
  // function called "AllocateImage" further out, after a plain frame, is not passed over.
  let firstOutsideSystem = -1;
  let lastWrapper = -1;
  for (let i = 0; i < names.length; i++) {
    if (isSystemAllocatorModule(names[i].module)) continue;
    if (firstOutsideSystem < 0) firstOutsideSystem = i;
    if (!isAllocatorWrapper(names[i])) break;
    lastWrapper = i;
  }
  if (firstOutsideSystem < 0) return frames.length - 1;
  for (let i = lastWrapper + 1; i < names.length; i++) if (!isSystemAllocatorModule(names[i].module)) return i;
  return firstOutsideSystem;
}
