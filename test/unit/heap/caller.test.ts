import { callerIndex, frameName, isAllocatorWrapper, isSystemAllocatorModule } from "../../../src/heap/caller";

describe("frameName", () => {
  test.each([
    ["halcon!HXmalloc+0x8b", "halcon", "HXmalloc"],
    ["ntdll! ?? ::FNODOBFM::`string'+0x153eb", "ntdll", "?? ::FNODOBFM::`string'"], // seed 001, verbatim
    ["app!CImage::Load+0x45 [c:\\src\\image.cpp @ 120]", "app", "CImage::Load"],
    ["ucrtbase+0x1f2a0", "ucrtbase", null],
    ["0x000007fe`83e3bcf6 (JIT? !ip2md 0x000007fe`83e3bcf6)", null, null],
  ])("%s", (text, module, func) => {
    expect(frameName(text)).toEqual({ module, func });
  });
});

describe("system allocator modules and wrappers", () => {
  test.each(["ntdll", "KERNELBASE", "kernel32", "ucrtbase", "ucrtbased", "msvcrt", "msvcr120", "msvcp140", "vcruntime140", "vcruntime140_1", "combase"])(
    "%s is the allocator",
    (m) => expect(isSystemAllocatorModule(m)).toBe(true),
  );
  test.each(["app", "halcon", "ntdllx", "mymsvcrt"])("%s is not", (m) => expect(isSystemAllocatorModule(m)).toBe(false));

  test.each([
    ["app", "operator new", true],
    ["app", "operator new[]", true],
    ["app", "malloc", true],
    ["app", "_malloc_base", true],
    ["app", "std::_Allocate<16,std::_Default_allocate_traits,0>", true],
    ["halcon", "HXmalloc", true],
    ["halcon", "HXAllocTmp", true],
    ["app", "Pool::Allocate", true],
    ["app", "CImage::Load", false],
    ["app", "main", false],
    ["app", null, false],
  ] as const)("%s!%s wrapper: %s", (module, func, expected) => {
    expect(isAllocatorWrapper({ module, func })).toBe(expected);
  });
});

describe("callerIndex", () => {
  test("seed 001: past ntdll and halcon's allocator chain (HXmalloc, HXAllocRLTmp, HXAllocTmp)", () => {
    // The frames !heap -p -a printed in seed 001, verbatim but for the JIT frame's text.
    const frames = [
      "ntdll! ?? ::FNODOBFM::`string'+0x153eb",
      "halcon!HXmalloc+0x8b",
      "halcon!HXAllocRLTmp+0x265d",
      "halcon!HXAllocTmp+0xa80",
      "halcon!HCancelWait+0x7a",
      "halcon!CCallHProc+0x73f",
      "0x000007fe`83e3bcf6 (JIT? !ip2md 0x000007fe`83e3bcf6)",
    ];
    expect(callerIndex(frames)).toBe(4);
  });

  test("a plain HeapAlloc through the CRT and operator new: the program's first frame", () => {
    const frames = ["ntdll!RtlpAllocateHeapInternal+0x9e1", "ntdll!RtlAllocateHeap+0x3e", "ucrtbase!_malloc_base+0x36", "app!operator new+0x1f", "app!CImage::Load+0x45", "app!main+0x20"];
    expect(callerIndex(frames)).toBe(4);
  });

  test("an allocator-named function further out after a plain frame is the program's, not a wrapper", () => {
    const frames = ["ntdll!RtlAllocateHeap+0x3e", "app!ReadHeader+0x10", "app!AllocateImage+0x20"];
    expect(callerIndex(frames)).toBe(1);
  });

  test("frames without symbols are callers (module+offset)", () => {
    expect(callerIndex(["ntdll+0x1234", "kernelbase+0x10", "app+0x4567", "app+0x89"])).toBe(2);
  });

  test("when every frame outside the system modules is a wrapper, the first of them", () => {
    expect(callerIndex(["ntdll!RtlAllocateHeap+0x3e", "app!MyAlloc+0x10", "ntdll!RtlUserThreadStart+0x21"])).toBe(1);
  });

  test("an all-system stack (the loader's own allocation) names its outermost frame; an empty one nothing", () => {
    expect(callerIndex(["ntdll!RtlAllocateHeap+0x3e", "ntdll!LdrpInitializeProcess+0x1d2"])).toBe(1);
    expect(callerIndex([])).toBe(-1);
  });
});
