// callerFrame (src/heap/stacks.ts): the first frame outside the allocator and allocation wrappers. Frames from the
// seed 001 article's real !heap -p -a output (test/fixtures/virtblocks/seed-001.txt).
import { callerFrame } from "../../../src/heap/stacks";

describe("callerFrame", () => {
  test("the seed's stack: ntdll, then halcon's HXmalloc / HXAllocRLTmp / HXAllocTmp wrappers, then the caller", () => {
    expect(
      callerFrame([
        "ntdll! ?? ::FNODOBFM::`string'+0x153eb",
        "halcon!HXmalloc+0x8b",
        "halcon!HXAllocRLTmp+0x265d",
        "halcon!HXAllocTmp+0xa80",
        "halcon!HCancelWait+0x7a",
        "halcon!CCallHProc+0x73f",
      ]),
    ).toBe("halcon!HCancelWait+0x7a");
  });
  test("CRT and Win32 front ends are the allocator too", () => {
    expect(callerFrame(["ntdll!RtlAllocateHeap+0x3e", "KERNELBASE!HeapAlloc+0x10", "ucrtbase!_malloc_base+0x36", "app!Load+0x20"])).toBe("app!Load+0x20");
    expect(callerFrame(["ntdll!RtlpAllocateHeapInternal+0x1", "MSVCR120!malloc+0x5b", "app!operator new+0x1f", "app!Widget::Widget+0x12"])).toBe("app!Widget::Widget+0x12");
  });
  test("a frame without a symbol is a caller", () => {
    expect(callerFrame(["ntdll! ?? ::FNODOBFM::`string'+0x153eb", "halcon+0x100100"])).toBe("halcon+0x100100");
  });
  test("only allocator frames: the first past the allocator modules, else the innermost; empty: null", () => {
    expect(callerFrame(["ntdll!RtlAllocateHeap+0x1", "app!xmalloc+0x10"])).toBe("app!xmalloc+0x10");
    expect(callerFrame(["ntdll!RtlAllocateHeap+0x1"])).toBe("ntdll!RtlAllocateHeap+0x1");
    expect(callerFrame([])).toBeNull();
  });
});
