// The walk from a tag's instruction to the calls that take it, on real compiled code: MSVC x64 (bufferutil-x64.node,
// test/fixtures/pe), MSVC 14 x64 and x86 (wininst-10.0*.exe excerpts, test/fixtures/leaktag/msvc-code.txt) and MinGW
// (test/fixtures/leaktag/wine-code.txt). Each expectation was read off `objdump -d -M intel` of the same bytes.
import * as fs from "fs";
import * as path from "path";
import { decodeInstruction, followTag } from "../../../src/pool/tag-flow";
import { immediateFormAt, classifyTagUse, keepHits, TagHit, functionStartsOf } from "../../../src/pool/owners";
import { parseHeaders, PeHeaders } from "../../../src/pe/image";
import { Address } from "../../../src/core/address";

const bufferutil = new Uint8Array(fs.readFileSync(path.join(__dirname, "../../fixtures/pe/bufferutil-x64.node")));
/** bufferutil-x64.node's .text lies at RVA 0x1000, file offset 0x400. */
const code = (rva: number, size: number) => ({ bytes: bufferutil.subarray(rva - 0xc00, rva - 0xc00 + size), rva });
const BUFFERUTIL_BASE = new Address(0x1, 0x80000000);

const excerpts = new Map<string, { rva: number; bytes: Uint8Array }>();
for (const file of ["msvc-code.txt", "wine-code.txt"]) {
  for (const line of fs.readFileSync(path.join(__dirname, "../../fixtures/leaktag", file), "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const f = line.split("|");
    excerpts.set(f[0], { rva: parseInt(f[3], 16), bytes: Uint8Array.from(f[5].split(" ").map((h) => parseInt(h, 16))) });
  }
}

describe("instruction lengths (objdump's)", () => {
  test("a run of MSVC x64 code decodes instruction by instruction to objdump's boundaries", () => {
    // rva 0xd9a2..0xd9f2 of bufferutil-x64.node: mov, lea (SIB+disp8), mov r/r, lea (REX), mov, call [rip], test, je rel32,
    // test, mov, mov r64 sign-extended imm32, cmove (0f 44), xchg with SIB and REX.X, ..., call rel32.
    const { bytes } = code(0xd9a2, 0x55);
    const starts = [0x00, 0x05, 0x0a, 0x0c, 0x10, 0x13, 0x19, 0x1b, 0x21, 0x24, 0x27, 0x2e, 0x32, 0x36, 0x3b, 0x3d, 0x41, 0x44, 0x4a, 0x4c, 0x4e, 0x50];
    const seen: number[] = [];
    for (let at = 0; at < 0x55 && seen.length < starts.length; ) {
      seen.push(at);
      at += decodeInstruction(bytes, at, true)!.length;
    }
    expect(seen).toEqual(starts);
  });
  test("every function of bufferutil-x64.node's .pdata decodes from its start exactly to its end", () => {
    // The image's own unwind table (RUNTIME_FUNCTION: BeginAddress, EndAddress, UnwindInfo) gives each function's
    // bounds, independently of any disassembler: decoding from the start must land on the end. Functions with AVX
    // (VEX) code, which the decoder does not size, stop early, and a function with a `jmp reg` switch may hold its
    // jump table in its range (rva 0x11cf0: offsets at 0x11fec): both are counted apart.
    const view = new DataView(bufferutil.buffer, bufferutil.byteOffset, bufferutil.byteLength);
    const pe = view.getUint32(0x3c, true);
    const table = pe + 24 + view.getUint16(pe + 20, true);
    const sections = new Map<string, { va: number; size: number; raw: number }>();
    for (let i = 0; i < view.getUint16(pe + 6, true); i++) {
      const at = table + i * 40;
      const name = String.fromCharCode(...bufferutil.subarray(at, at + 8)).replace(/\0+$/, "");
      sections.set(name, { va: view.getUint32(at + 12, true), size: view.getUint32(at + 8, true), raw: view.getUint32(at + 20, true) });
    }
    const pdata = sections.get(".pdata")!;
    const text = sections.get(".text")!;
    let exact = 0;
    let undecoded = 0;
    let tables = 0;
    const wrong: string[] = [];
    for (let entry = pdata.raw; entry + 12 <= pdata.raw + pdata.size; entry += 12) {
      const begin = view.getUint32(entry, true);
      const end = view.getUint32(entry + 4, true);
      if (begin === 0) break;
      const bytes = bufferutil.subarray(begin - text.va + text.raw, end - text.va + text.raw);
      let at = 0;
      let ins;
      let jumpTable = false;
      while (at < bytes.length && (ins = decodeInstruction(bytes, at, true))) {
        if (ins.opcode === 0xff && ins.mod === 3 && (ins.reg & 7) === 4) jumpTable = true;
        at += ins.length;
      }
      if (at === bytes.length) exact++;
      else if (jumpTable) tables++;
      else if (at < bytes.length && !decodeInstruction(bytes, at, true) && (bytes[at] === 0xc5 || bytes[at] === 0xc4)) undecoded++;
      else wrong.push(begin.toString(16));
    }
    expect(wrong).toEqual([]);
    expect([exact, undecoded, tables]).toEqual([444, 1, 3]); // of 448 functions
  });
  test("x86: push r32, push r/m32 with disp32, call [abs32], call rel32, add esp, push imm32 (wininst-10.0.exe)", () => {
    const { bytes } = excerpts.get("x86-esi-push")!;
    const seen: number[] = [];
    for (let at = 0; at < bytes.length; ) {
      seen.push(at);
      at += decodeInstruction(bytes, at, false)!.length;
    }
    expect(seen).toEqual([0, 5, 6, 12, 18, 19, 24, 27, 28, 33, 34, 40]);
  });
});

describe("the tag's way to its call", () => {
  const slots = (entries: [number, string][]) => new Map<number, string>(entries);

  test("MSVC hoists the constant into ebp: mov ebp, imm32; lea rdx, [rsp+0x40]; mov r8d, ebp; call [IAT] (rva 0x5187)", () => {
    const { bytes, rva } = code(0x5187, 0x20);
    const form = immediateFormAt(bytes, 1, true)!;
    expect(form.name).toBe("mov ebp, imm32");
    const flow = followTag(bytes, 5, form.holder, true);
    expect(flow.calls.map((c) => [c.at, c.moves])).toEqual([[0x0d, ["mov r8d, ebp"]]]);
    // As if the slot at rva 0x19130 (objdump: call [rip+0x13f96] -> 0x180019130) imported ExAllocatePoolWithTag.
    const use = classifyTagUse(bytes, 1, form, rva, true, BUFFERUTIL_BASE, slots([[0x19130, "ExAllocatePoolWithTag"]]));
    expect(use).toMatchObject({ allocator: "ExAllocatePoolWithTag", use: "allocation", callRva: 0x5194, moves: ["mov r8d, ebp"], allocatorCalls: 1 });
  });

  test("one hoisted tag passed twice across other code: mov ebp, imm32 ... mov edx, ebp; call [IAT] ... mov edx, ebp; call [IAT] (rva 0xd9a2)", () => {
    const { bytes, rva } = code(0xd9a2, 0x60);
    const form = immediateFormAt(bytes, 1, true)!;
    const flow = followTag(bytes, 5, form.holder, true);
    expect(flow.calls.map((c) => rva + c.at)).toEqual([0xd9b5, 0xd9e6]);
    // After `mov rbp, [rsp+0x58]` (rva 0xd9f7) ebp no longer holds it.
    expect(flow.stop).toBe("overwritten");
    const use = classifyTagUse(bytes, 1, form, rva, true, BUFFERUTIL_BASE, slots([[0x19200, "ExAllocatePoolWithTag"]]));
    expect(use).toMatchObject({ use: "allocation", allocatorCalls: 2, callRva: 0xd9b5 });
  });

  test("the walk stops at the call after a free, whose register it may change: mov edx, imm32; call [free]; jmp; ...; call [alloc] (wininst-10.0-amd64.exe rva 0x4ff0)", () => {
    const e = excerpts.get("x64-call-jmp-call")!;
    const form = immediateFormAt(e.bytes, 1, true)!;
    expect(form.name).toBe("mov edx, imm32");
    const flow = followTag(e.bytes, 5, form.holder, true);
    expect(flow.calls.map((c) => c.at)).toEqual([5]);
    expect(flow.stop).toBe("call");
    // The two slots as the driver's ExFreePoolWithTag (first call) and ExAllocatePoolWithTag (second, after the jmp).
    const both = slots([[0x26480, "ExFreePoolWithTag"], [0x26478, "ExAllocatePoolWithTag"]]);
    expect(classifyTagUse(e.bytes, 1, form, e.rva, true, new Address(0x1, 0x40000000), both)).toMatchObject({ allocator: "ExFreePoolWithTag", use: "free", allocatorCalls: 0 });
    // Were the first call anything else, the allocation after the jmp is still not this tag's.
    const allocOnly = slots([[0x26478, "ExAllocatePoolWithTag"]]);
    expect(classifyTagUse(e.bytes, 1, form, e.rva, true, new Address(0x1, 0x40000000), allocOnly)).toMatchObject({ allocator: null, use: null });
  });

  // The stops of the walk while a callee-saved register still holds the tag: what follows a jmp, a ret or an int3 is
  // another path or another function, so its calls are not this tag's. Bytes assembled for the test; each line is
  // objdump -D -b binary -m i386:x86-64 -M intel of them:
  //   0: bb 4c 65 61 6b     mov ebx, 0x6b61654c ('Leak')     d: <stop>
  //   5: 8b d3              mov edx, ebx                     +0: 8b d3              mov edx, ebx
  //   7: ff 15 00 10 00 00  call [rip+0x1000]                +2: ff 15 00 20 00 00  call [rip+0x2000]
  describe("a callee-saved holder outlives the call; the walk still stops at", () => {
    const head = [0xbb, 0x4c, 0x65, 0x61, 0x6b, 0x8b, 0xd3, 0xff, 0x15, 0x00, 0x10, 0x00, 0x00];
    const tail = [0x8b, 0xd3, 0xff, 0x15, 0x00, 0x20, 0x00, 0x00];
    const walk = (stop: number[]) => {
      const bytes = Uint8Array.from([...head, ...stop, ...tail]);
      const form = immediateFormAt(bytes, 1, true)!;
      expect(form.name).toBe("mov ebx, imm32");
      return followTag(bytes, 5, form.holder, true);
    };
    test("(control) a nop in the same place: the walk goes on to the second call, ebx still holding the tag", () => {
      const flow = walk([0x90]);
      expect(flow.calls.map((c) => c.at)).toEqual([0x07, 0x10]);
    });
    test.each([
      ["jmp rel32", [0xe9, 0x00, 0x01, 0x00, 0x00], "jmp"],
      ["jmp rel8", [0xeb, 0x10], "jmp"],
      ["jmp [rip+disp32]", [0xff, 0x25, 0x00, 0x30, 0x00, 0x00], "jmp"],
      ["ret", [0xc3], "ret"],
      ["ret imm16", [0xc2, 0x08, 0x00], "ret"],
      ["int3", [0xcc], "int3"],
      ["ud2", [0x0f, 0x0b], "int3"],
    ] as const)("%s: the call after it is not the tag's", (_name, stop, why) => {
      const flow = walk([...stop]);
      expect(flow.calls.map((c) => c.at)).toEqual([0x07]);
      expect(flow.stop).toBe(why);
    });
  });

  test("x86: mov esi, imm32; push esi; ... call [IAT]; ...; push esi; ... call [IAT] (wininst-10.0.exe rva 0x1e2c)", () => {
    const e = excerpts.get("x86-esi-push")!;
    const form = immediateFormAt(e.bytes, 1, false)!;
    expect(form.name).toBe("mov esi, imm32");
    const flow = followTag(e.bytes, 5, form.holder, false);
    // Two calls take it from the stack; `call rel32` between them (at 19) does not: esi was not pushed again yet.
    expect(flow.calls.map((c) => [c.at, c.moves])).toEqual([[12, ["push esi"]], [40, ["push esi"]]]);
    const use = classifyTagUse(e.bytes, 1, form, e.rva, false, new Address(0, 0x400000), slots([[0x23234, "ExAllocatePoolWithTag"]]));
    expect(use).toMatchObject({ use: "allocation", allocatorCalls: 2, callRva: 0x1e38 });
  });

  test("a callee-saved holder stored as the 5th argument and moved to r8d; other calls do not take it (wininst-14.0-amd64.exe rva 0x4d1d)", () => {
    const e = excerpts.get("x64-ebx-stack-and-r8d")!;
    const form = immediateFormAt(e.bytes, 1, true)!;
    expect(form.name).toBe("mov ebx, imm32");
    const flow = followTag(e.bytes, 5, form.holder, true);
    // mov [rsp+0x20], ebx; call [IAT] | mov r8d, 0x50; call rel32 (not it) | mov [rsp+0x20], ebx; call [IAT] |
    // mov r8d, ebx; call rel32 | mov dword ptr [rsp+0x20], 0x50; call [IAT] (not it: no argument has held it since the
    // last call; ebx still does).
    expect(flow.calls.map((c) => [c.at, c.moves])).toEqual([
      [0x1b, ["mov [stack], ebx"]],
      [0x5a, ["mov [stack], ebx"]],
      [0x6f, ["mov r8d, ebx"]],
    ]);
  });

  test("MinGW: mov r8d, imm32 ... call rel32 into the image's wrapper, which calls [IAT] (Wine ntoskrnl.exe create_file_object)", () => {
    const call = excerpts.get("ntoskrnl-wrapper-call")!;
    const body = excerpts.get("ntoskrnl-wrapper-body")!;
    const read = (rva: number, size: number) => (rva >= body.rva && rva + size <= body.rva + body.bytes.length ? body.bytes.subarray(rva - body.rva, rva - body.rva + size) : null);
    const form = immediateFormAt(call.bytes, 2, true)!;
    const use = classifyTagUse(call.bytes, 2, form, call.rva, true, new Address(0x3, 0x1ca90000), slots([[0x52680, "ExAllocatePoolWithTag"]]), read);
    expect(use).toMatchObject({ allocator: "ExAllocatePoolWithTag", use: "allocation", wrapperRva: 0xfde0, callRva: 0xff07 });
  });

  // A tail call: the tag's function ends in `jmp rel32` to the driver's wrapper (or to a MinGW import thunk) instead
  // of `call rel32`; the wrapper's start is known from .pdata (x64 RUNTIME_FUNCTION.BeginAddress). Bytes
  // hand-assembled and checked with `objdump -D -b binary -m i386:x86-64 -M intel`:
  //   1000: 41 b8 4c 65 61 6b   mov r8d, 0x6b61654c ('Leak')
  //   1006: e9 f5 0f 00 00      jmp 0x2000               (or e9 f5 10 00 00: jmp 0x2100)
  //   2000: 48 83 ec 28         sub rsp, 0x28            2100: ff 25 02 0f 00 00  jmp [rip+0xf02] (slot 0x3008)
  //   2004: ff 15 f6 0f 00 00   call [rip+0xff6] (slot 0x3000)
  //   200a: 48 83 c4 28 / c3    add rsp, 0x28; ret
  const tailCall = (rel: number[]) => Uint8Array.from([0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, 0xe9, ...rel]);
  const wrapperAt = (rva: number, size: number): Uint8Array | null => {
    const wrapper = Uint8Array.from([0x48, 0x83, 0xec, 0x28, 0xff, 0x15, 0xf6, 0x0f, 0x00, 0x00, 0x48, 0x83, 0xc4, 0x28, 0xc3]);
    const thunk = Uint8Array.from([0xff, 0x25, 0x02, 0x0f, 0x00, 0x00]);
    if (rva >= 0x2000 && rva + size <= 0x2000 + wrapper.length) return wrapper.subarray(rva - 0x2000, rva - 0x2000 + size);
    if (rva >= 0x2100 && rva + size <= 0x2100 + thunk.length) return thunk.subarray(rva - 0x2100, rva - 0x2100 + size);
    return null;
  };

  test("a tail jmp rel32 to a function start (.pdata) of the image's wrapper, which calls [IAT], is an allocation through that wrapper", () => {
    const bytes = tailCall([0xf5, 0x0f, 0x00, 0x00]);
    const form = immediateFormAt(bytes, 2, true)!;
    const use = classifyTagUse(bytes, 2, form, 0x1000, true, new Address(0x1, 0x40000000), slots([[0x3000, "ExAllocatePoolWithTag"]]), wrapperAt, new Set([0x1000, 0x2000]));
    expect(use).toMatchObject({ allocator: "ExAllocatePoolWithTag", use: "allocation", wrapperRva: 0x2000, callRva: 0x1006, allocatorCalls: 1 });
  });

  test("a jmp rel32 to where no function starts is a branch inside a function, not a tail call into a wrapper", () => {
    const bytes = tailCall([0xf5, 0x0f, 0x00, 0x00]);
    const form = immediateFormAt(bytes, 2, true)!;
    const use = classifyTagUse(bytes, 2, form, 0x1000, true, new Address(0x1, 0x40000000), slots([[0x3000, "ExAllocatePoolWithTag"]]), wrapperAt, new Set([0x1000]));
    expect(use).toMatchObject({ allocator: null, use: null });
  });

  test("a tail jmp rel32 into an import thunk (jmp [IAT]) is a direct allocation", () => {
    const bytes = tailCall([0xf5, 0x10, 0x00, 0x00]);
    const form = immediateFormAt(bytes, 2, true)!;
    const use = classifyTagUse(bytes, 2, form, 0x1000, true, new Address(0x1, 0x40000000), slots([[0x3008, "ExAllocatePoolWithTag"]]), wrapperAt);
    expect(use).toMatchObject({ allocator: "ExAllocatePoolWithTag", use: "allocation", wrapperRva: null, callRva: 0x1006 });
  });

  test("function starts from the image's .pdata as read (bufferutil-x64.node: 448 RUNTIME_FUNCTIONs at RVA 0x27000)", () => {
    // llvm-readobj-14 --sections: .pdata VirtualAddress 0x27000, VirtualSize 0x1500, PointerToRawData 0x23C00;
    // the exception directory (entry 3) is 0x27000, 0x1500. First BeginAddresses: 0x1000, 0x1050, 0x128e.
    const headers = parseHeaders(bufferutil.subarray(0, 0x1000), 0x2c000) as PeHeaders;
    const starts = functionStartsOf(headers, [{ rva: 0x27000, bytes: bufferutil.subarray(0x23c00, 0x23c00 + 0x1500) }]);
    expect(starts.size).toBe(448);
    expect([0x1000, 0x1050, 0x128e].every((rva) => starts.has(rva))).toBe(true);
    expect(starts.has(0x1001)).toBe(false);
    // .pdata not read (paged out): no starts, so no jmp rel32 is taken for a tail call into a wrapper.
    expect(functionStartsOf(headers, []).size).toBe(0);
  });

  test("a free site is a free: mov edx, 1; mov rcx, rsi; call [IAT] (Wine kernelbase.dll LocalFree)", () => {
    const e = excerpts.get("kernelbase-freeheap")!;
    const form = immediateFormAt(e.bytes, 1, true)!;
    const use = classifyTagUse(e.bytes, 1, form, e.rva, true, new Address(0, 0x7b000000), slots([[0xd4448, "ExFreePoolWithTag"]]));
    expect(use).toMatchObject({ allocator: "ExFreePoolWithTag", use: "free", allocatorCalls: 0 });
  });
});

describe("which hits are kept", () => {
  const hit = (rva: number, kind: "code" | "data", use: "allocation" | "free" | null): TagHit => ({
    address: new Address(0, rva),
    rva,
    section: ".text",
    kind,
    instruction: null,
    instructionAddress: new Address(0, rva),
    allocator: null,
    use,
    allocatorCalls: use === "allocation" ? 1 : 0,
    callAddress: null,
    moves: [],
    wrapperRva: null,
  });
  test("every allocation, then frees, code and data up to the cap, in address order; the rest counted", () => {
    const hits = [hit(1, "data", null), hit(2, "code", null), hit(3, "code", "free"), hit(4, "code", "allocation"), hit(5, "code", "allocation"), hit(6, "data", null)];
    const kept = keepHits(hits, 2, 100);
    expect(kept.hits.map((h) => h.rva)).toEqual([2, 3, 4, 5]);
    expect(kept.notKept).toBe(2);
    expect(kept.allocationsNotKept).toBe(0);
    expect(keepHits(hits, 0, 1)).toMatchObject({ notKept: 5, allocationsNotKept: 1 });
  });
});
