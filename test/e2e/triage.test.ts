import { DebuggerSession } from "../emulator/session";
import { kernelTarget, userTarget, BUILDS } from "../targets/builder";
import { EXR64, TRAP64, strictTriageDumpScene, bugcheckTarget, poolReferenceScene, exceptionCrashScene, heapOverrunScene, poolPage, userAfterFreeScene, storeExceptionScene, storeExceptionScene32, poolBlock, symbolAt, debuggerAddress, DUMP, crashingThread } from "../targets/bugcheck";
import * as seed004 from "../fixtures/triage/seed004";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";

const run = (b: { target: import("../emulator/target").EmulatedTarget }, line = "!crashtriage") => {
  const r = DebuggerSession.load(b.target).run(line);
  expect(r.escaped).toBeNull();
  return r;
};

const SEED_VERDICT =
  "in-page I/O error while reading a compressed page from the memory-compression store: the storage stack reported " +
  "c0000185 (device I/O error) - check the disk and its controller; disabling memory compression avoids the store path";

describe("!crashtriage on seed 004 (0x154 UNEXPECTED_STORE_EXCEPTION)", () => {
  const v = seed004.seedValues();

  test("reaches the article's conclusion by itself (golden)", () => {
    const r = run(storeExceptionScene());
    expectGolden("triage-seed004", r.output);
    expect(r.output).toContain("Bugcheck 0x154 UNEXPECTED_STORE_EXCEPTION (from nt!KiBugCheckData)");
    expect(r.output).toContain(SEED_VERDICT.charAt(0).toUpperCase() + SEED_VERDICT.slice(1));
    // Layout provenance: one short line per structure after the answer (output conventions 2), never the long wording.
    const lines = r.output.split("\n");
    expect(lines.slice(2, 5)).toEqual([
      "Layout: built-in _EXCEPTION_POINTERS (every x64 build), not from the symbols; !leaktools shows why.",
      "Layout: built-in _EXCEPTION_RECORD (every x64 build), not from the symbols; !leaktools shows why.",
      "Layout: built-in _CONTEXT (every x64 build), not from the symbols; !leaktools shows why.",
    ]);
    expect(r.output).not.toContain("not in the symbols (.reload /f nt");
  });

  test("the Layout: lines print once per session, and !leaktools lists crashtriage's layouts in full", () => {
    const session = DebuggerSession.load(storeExceptionScene().target);
    expect(session.run("!crashtriage").output).toContain("Layout: built-in _CONTEXT");
    const again = session.run("!crashtriage refresh").output + session.run("dx @$crashtriage().Verdict").output;
    expect(again).not.toContain("Layout: built-in");
    const tools = session.run("!leaktools").output;
    expect(tools).toContain("Built-in layouts used this session");
    for (const t of ["_EXCEPTION_POINTERS", "_EXCEPTION_RECORD", "_CONTEXT"]) {
      expect(tools).toContain("  Layout: " + t + ": not in the symbols (.reload /f nt to get them); using the built-in layout for every x64 build, checked against");
    }
  });

  test("the record keeps every layout's full provenance", () => {
    const value = run(storeExceptionScene(), "dx @$crashtriage()").value as { Layouts: string[] };
    expect(Array.from(value.Layouts)).toEqual([
      expect.stringMatching(/^_EXCEPTION_POINTERS: not in the symbols .*using the built-in layout for every x64 build/),
      expect.stringMatching(/^_EXCEPTION_RECORD: not in the symbols/),
      expect.stringMatching(/^_CONTEXT: not in the symbols/),
    ]);
  });

  test("decodes the exception record and context as .exr and .cxr show them", () => {
    const out = run(storeExceptionScene()).output;
    expect(out).toContain("ExceptionRecord " + debuggerAddress(v.exrAt) + ", ContextRecord " + debuggerAddress(v.cxrAt));
    expect(out).toContain("Exception c0000006 STATUS_IN_PAGE_ERROR (in-page I/O error) at " + debuggerAddress(v.exceptionAddress) + " " + v.symbol);
    expect(out).toContain(v.exceptionParameters.map((p, i) => "[" + i + "] " + debuggerAddress(p)).join(", "));
    expect(out).toContain("read of " + debuggerAddress(v.exceptionParameters[1]) + ", I/O status c0000185 STATUS_IO_DEVICE_ERROR (device I/O error)");
    expect(out).toContain("instruction pointer " + debuggerAddress(v.rip) + ", stack pointer " + debuggerAddress(v.rsp));
    expect(out).toContain("The thread is attached to MemCompression (ffffb402`b984a040)");
    for (const c of ["!analyze -v", ".exr " + debuggerAddress(v.exrAt), ".cxr " + debuggerAddress(v.cxrAt) + " ; k", "Disable-MMAgent -MemoryCompression"]) {
      expect(out).toContain("  " + c + " ");
    }
  });

  test("dx @$crashtriage() returns Code, Name, Parameters, Findings, Verdict", () => {
    const r = run(storeExceptionScene(), "dx @$crashtriage()");
    const value = r.value as { Code: number; Name: string; Parameters: { Value: { toString(r: number): string }; Meaning: string }[]; Findings: string[]; Verdict: string };
    expect(value.Code).toBe(0x154);
    expect(value.Name).toBe("UNEXPECTED_STORE_EXCEPTION");
    expect(value.Parameters).toHaveLength(4);
    expect(value.Parameters.map((p) => BigInt("0x" + p.Value.toString(16)))).toEqual(v.args);
    expect(value.Parameters[1].Meaning).toBe("Exception information");
    expect(value.Findings.length).toBeGreaterThan(3);
    expect(value.Verdict).toBe(SEED_VERDICT);
  });

  test("without the attached MemCompression the verdict does not claim the compressed store", () => {
    const thread = seed004.thread.map((l) => l.replace(/^Attached Process.*$/, "Attached Process          N/A            Image:         N/A"));
    const b = storeExceptionScene({ thread });
    // Another faulting function: no Decompress in the symbol either.
    b.target.commands.splice(0, b.target.commands.length);
    symbolAt(b, v.exceptionAddress, "nt!MiCopyPage+0x50");
    b.target.onCommand("!thread", thread);
    const out = run(b).output;
    expect(out).toContain("The thread is not attached to another process (owning process: <Invalid process>)");
    expect(out).toContain("In-page I/O error in the store manager: the storage stack reported c0000185 (device I/O error)");
    expect(out).not.toContain("Disable-MMAgent");
  });

  test("with nt!_EXCEPTION_RECORD in the symbols, the layout says so", () => {
    const b = storeExceptionScene();
    b.typeFromLayout("nt", "_EXCEPTION_RECORD", { size: EXR64.size, ExceptionCode: [0, 4], ExceptionFlags: [4, 4], ExceptionRecord: 8, ExceptionAddress: 0x10, NumberParameters: [0x18, 4], ExceptionInformation: 0x20 });
    const out = run(b).output;
    // From the symbols: no Layout: line for it (output conventions 2), the others still built in; the record says so.
    expect(out).not.toContain("_EXCEPTION_RECORD (every");
    expect(out).toContain("Layout: built-in _CONTEXT (every x64 build)");
    const value = run(b, "dx @$crashtriage()").value as { Layouts: string[] };
    expect(Array.from(value.Layouts)).toContain("_EXCEPTION_RECORD: from nt's symbols");
    expect(out).toContain(SEED_VERDICT.charAt(0).toUpperCase() + SEED_VERDICT.slice(1));
  });

  test("an unreadable exception record is named, and a verdict is still given", () => {
    const out = run(storeExceptionScene({ exrUnreadable: true })).output;
    // A dump: said plainly, as the issue asks ("not in this dump"), and the parameters' own meaning kept.
    expect(out).toContain("The exception record at " + debuggerAddress(v.exrAt) + " (ExceptionRecord of Arg2) could not be read: it is not in this dump; what the parameters say is kept");
    expect(out).toContain("The context record at " + debuggerAddress(v.cxrAt) + " (ContextRecord of Arg2) could not be read: it is not in this dump");
    expect(out).toMatch(/^The store manager caught an exception leaktools could not read/);
    expect(out).toContain("Arg2  " + debuggerAddress(v.args[1]) + "  Exception information");
    expect(out).toContain(".exr " + debuggerAddress(v.exrAt));
  });

  test("an absurd NumberParameters is capped at 15 and reported", () => {
    const out = run(storeExceptionScene({ numberParameters: 0xffffffff })).output;
    expect(out).toContain("NumberParameters is 4294967295, above the 15 an EXCEPTION_RECORD holds");
    expect(out).toContain(SEED_VERDICT.charAt(0).toUpperCase() + SEED_VERDICT.slice(1));
  });

  test("EXCEPTION_POINTERS holding null pointers: both reads are named unreadable", () => {
    const b = storeExceptionScene();
    b.memory.writeU64(v.args[1], 0n);
    b.memory.writeU64(v.args[1] + 8n, 0n);
    const out = run(b).output;
    expect(out).toContain("The exception record at 00000000`00000000 (ExceptionRecord of Arg2) could not be read");
    expect(out).toContain("The context record at 00000000`00000000 (ContextRecord of Arg2) could not be read");
    expect(out.split("\n")[0]).toBe("The store manager caught an exception leaktools could not read; follow Arg2 by hand with the commands below");
  });

  test("!thread failing does not stop the verdict", () => {
    const b = storeExceptionScene();
    b.target.commands.splice(1, 1); // drop the !thread answer: the debugger's own complaint comes back
    const out = run(b).output;
    expect(out).toContain("Could not tell which process the thread is attached to");
    expect(out).toContain("In-page I/O error while reading a compressed page"); // the Decompress frame still says so
  });

  test("every failed read is handled: no escape, no write, and the output names what was unreadable", () => {
    const summary = failEachRead(() => storeExceptionScene().target, "!crashtriage");
    expect(summary.injected).toBeGreaterThanOrEqual(4);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    for (const r of summary.runs) {
      // A failed nt!NtBuildNumber read is said once ("Could not read the Windows build"); every other read as an Unreadable finding.
      expect(r.result.output).toMatch(/Unreadable: |could not be read|Could not read the Windows build/);
      expect(r.result.output).toMatch(/^|The bugcheck code could not be read/);
    }
  });
});

describe("!crashtriage on a 32-bit kernel dump", () => {
  test("0x154 with the x86 EXCEPTION_RECORD and CONTEXT", () => {
    const { b, record, ctx } = storeExceptionScene32(
      { code: 0xc0000006, address: 0x82a4bbd0n, parameters: [0n, 0x0e3f99f0n, 0xc000009dn] },
      { eip: 0x82a4bbd0n, esp: 0x8f53f0f8n },
    );
    b.target.onCommand("u 82a4bbd0 L1", ["nt!RtlDecompressBufferXpressLz+0x50:", "82a4bbd0 8b08            mov     ecx,dword ptr [eax]"]);
    b.target.onCommand("!thread", seed004.thread.map((l) => l.replace(/ffffb402/g, "")));
    const out = run(b).output;
    expect(out).toContain("ExceptionRecord " + record.toString(16) + ", ContextRecord " + ctx.toString(16));
    expect(out).toContain("Exception c0000006 STATUS_IN_PAGE_ERROR (in-page I/O error) at 82a4bbd0 nt!RtlDecompressBufferXpressLz+0x50");
    expect(out).toContain("read of 0e3f99f0, I/O status c000009d STATUS_DEVICE_NOT_CONNECTED");
    expect(out).toContain("Context: instruction pointer 82a4bbd0, stack pointer 8f53f0f8");
    expect(out).toContain("Layout: built-in _CONTEXT (every x86 build), not from the symbols; !leaktools shows why.");
    expect(out).toContain("In-page I/O error while reading a compressed page from the memory-compression store: the storage stack reported c000009d (device not connected)");
  });
});

describe("!crashtriage on other memory bugchecks", () => {
  test("0xC4/0x62 hands over to !unloadleaks", () => {
    const b = bugcheckTarget(0xc4, [0x62n, 0xffffb40212345678n, 0xffffb40212340000n, 0x1cn]);
    const out = run(b).output;
    expectGolden("triage-c4-62", out);
    expect(out).toContain("Bugcheck 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION");
    expect(out).toContain("Subcode 0x62: A driver unloaded with pool allocations Driver Verifier still tracks");
    expect(out).toContain("Total number of paged and nonpaged allocations not freed");
    expect(out).toContain("A driver unloaded with 28 pool allocations");
    expect(out).toMatch(/\n  !unloadleaks +/);
  });

  test("0xC4/0x13 double free under the verifier: the pool header Arg3 points at, and its tag", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    const pool = poolBlock(b, "Leak", 0x40);
    const out = run(bugcheckTargetOn(b, 0xc4, [0x13n, 0n, pool.header, 0x6b61654c04050001n])).output;
    expect(out).toContain("Subcode 0x13: The driver freed pool that was already freed");
    expect(out).toContain("Arg3  " + debuggerAddress(pool.header) + "  Pointer to the pool header");
    expect(out).toContain("at " + debuggerAddress(pool.header) + ": tag 'Leak', BlockSize 0x50");
    expect(out).toContain("Driver Verifier stopped the system: The driver freed pool that was already freed (block tagged 'Leak')");
    expect(out).toMatch(new RegExp("\\n  !pool " + debuggerAddress(pool.header) + " +"));
  });

  test("0xC4 DDI compliance rule: the rule's name and a !ruleinfo to copy", () => {
    const out = run(bugcheckTarget(0xc4, [0x40003n, 0xfffff80712345000n, 0xffffb40200001000n, 0xffffb40200002000n])).output;
    expect(out).toContain("Subcode 0x40003: DDI compliance rule CriticalRegions violated");
    expect(out).toContain("Rule state (second argument of !ruleinfo)");
    expect(out).toMatch(/\n  !ruleinfo 0x40003 ffffb402`00001000 ffffb402`00002000 +the DDI compliance rule/);
  });

  test("0xC4 deadlock detection: !deadlock", () => {
    const out = run(bugcheckTarget(0xc4, [0x1001n, 0xffffb40200003000n, 0n, 0n])).output;
    expect(out).toContain("Deadlock: a lock hierarchy violation (Deadlock Detection)");
    expect(out).toMatch(/\n  !deadlock +/);
  });

  test("0xC4 with a subcode Microsoft does not document: raw parameters and a pointer to the page", () => {
    const out = run(bugcheckTarget(0xc4, [0x7777n, 1n, 2n, 3n])).output;
    expect(out).toContain("Subcode 0x7777 is not in leaktools' table");
    expect(out).toContain("Driver Verifier stopped the system with subcode 0x7777");
    // Issue 14 part 3: the user is pointed at Microsoft's page, not at a file of ours.
    expect(out).toContain("see https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation.");
    expect(out).not.toMatch(/layouts\.md|§/);
  });

  test.each([["0x19", 0x19, "bad-pool-header"], ["0x1a", 0x1a, "memory-management"], ["0xc2", 0xc2, "bad-pool-caller"], ["0xc4", 0xc4, "driver-verifier-detected-violation"]] as [string, number, string][])(
    "bugcheck %s with an unknown subcode: the finding names Microsoft's page, no file of ours",
    (_name, code, slug) => {
      const out = run(bugcheckTarget(code, [0x7777777n, 1n, 2n, 3n])).output;
      expect(out).toContain("Subcode 0x7777777 is not in leaktools' table; see https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x" + code.toString(16) + "--" + slug + ".");
      expect(out).not.toMatch(/layouts\.md|§/);
    },
  );

  test("0xC2/0xA: the tags of the allocation and of the free", () => {
    const out = run(bugcheckTarget(0xc2, [0xan, 0xffffb4021234a000n, 0x6b61654cn, 0x656e6f4en])).output;
    expect(out).toContain("The block was allocated with tag 'Leak' and freed with tag 'None'");
    expect(out).toContain("!pool ffffb402`1234a000");
  });

  test("0xC2/0x7 double free: the block's pool header and tag", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    const pool = poolBlock(b, "Leak", 0x40);
    const k = bugcheckTargetOn(b, 0xc2, [7n, 0x1097n, 0x04050001n, pool.block]);
    const out = run(k).output;
    expect(out).toContain("Address of the block being freed");
    expect(out).toContain("Pool header of block " + debuggerAddress(pool.block) + " at " + debuggerAddress(pool.header) + ": tag 'Leak', BlockSize 0x50");
    expect(out).toContain("Double free: a pool block tagged 'Leak' was freed twice");
    expect(out).toContain("Layout: built-in _POOL_HEADER (every x64 build), not from the symbols; !leaktools shows why.");
    expect(out).toMatch(/\n  !poolused 2 Leak +/);
  });

  test("0xC2/0x7 double free of a block whose tag a driver allocates: the driver, and special pool to copy", () => {
    const sc = poolReferenceScene();
    sc.bugcheck(0xc2, [7n, 0x1097n, 0x04050001n, sc.nfov.address]);
    const out = run({ target: sc.s.target }).output;
    expect(out.split("\n")[0]).toBe(
      "Double free: a pool block tagged 'NfOv' was freed twice - the driver that owns the tag frees it on two paths; enable special pool for it to catch the first free (the tag is allocated by netfiltx.sys)",
    );
    expect(out).toMatch(/\n  verifier \/flags 0x1 \/driver netfiltx\.sys +on the crashed machine/);
    expect(out).toMatch(/\n  gflags \/r \+spp NfOv +/);
  });

  test("0x19/0x20: the pool entry's tag", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    const pool = poolBlock(b, "Ddk ", 0x30);
    const k = bugcheckTargetOn(b, 0x19, [0x20n, pool.header, pool.header + 0x40n, 0x4040000n]);
    const out = run(k).output;
    expect(out).toContain("The pool entry that should have been found");
    expect(out).toContain("at " + debuggerAddress(pool.header) + ": tag 'Ddk ', BlockSize 0x40");
    expect(out).toContain("Pool corruption: A pool block header's size is corrupt (block tagged 'Ddk ')");
    expect(out).toContain("!pool " + debuggerAddress(pool.header));
  });

  test("0x19/0x5: both contradicting pool entries are read", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    const one = poolBlock(b, "Ntfx", 0x30);
    const other = poolBlock(b, "Irp ", 0x90);
    const out = run(bugcheckTargetOn(b, 0x19, [5n, one.header, 0n, other.header])).output;
    expect(out).toContain("pool entry " + debuggerAddress(one.header) + " (Arg2) at " + debuggerAddress(one.header) + ": tag 'Ntfx'");
    expect(out).toContain("pool entry " + debuggerAddress(other.header) + " (Arg4) at " + debuggerAddress(other.header) + ": tag 'Irp '");
    expect(out).toContain("Pool corruption: Two adjacent pool headers contradict each other");
  });

  test("0x19/0x20 with an unreadable pool entry says so", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    const gone = b.reserveUnmapped(0x1000);
    const out = run(bugcheckTargetOn(b, 0x19, [0x20n, gone, gone + 0x40n, 0n])).output;
    expect(out).toContain("Unreadable: _POOL_HEADER at " + debuggerAddress(gone));
    expect(out).toContain("Pool corruption: A pool block header's size is corrupt");
  });

  test("0x7A with c000009c: the layout, the status and the faulting address", () => {
    const b = bugcheckTarget(0x7a, [0xfffff6fb40001230n, 0xc000009cn, 0x2f4c5860n, 0xfffff68000246000n]);
    const out = run(b).output;
    expect(out).toContain("Parameter layout 3 (PTE address and contents) of the 0x7A page applies");
    expect(out).toContain("I/O status: c000009c STATUS_DEVICE_DATA_ERROR (device data error)");
    expect(out).toContain("Address that could not be paged in: fffff680`00246000");
    expect(out).toContain("A kernel page could not be read back in: the storage stack reported c000009c (device data error) - bad blocks on the disk");
    expect(out).toContain("!pte fffff680`00246000");
  });

  test("0x7A lock-type layouts", () => {
    let out = run(bugcheckTarget(0x7a, [2n, 0xc0000185n, 0n, 0xfffff80012345000n])).output;
    expect(out).toContain("Parameter layout 1 (lock type, process)");
    out = run(bugcheckTarget(0x7a, [3n, 0xc000000en, 0xffffb40200001000n, 0xfffff80012345000n])).output;
    expect(out).toContain("Parameter layout 2 (lock type, InPageSupport)");
    expect(out).toContain("c000000e STATUS_NO_SUCH_DEVICE");
  });

  test("0x50: the access, the faulting instruction's symbol", () => {
    const b = bugcheckTarget(0x50, [0xffffb4021234a000n, 0n, 0xfffff80727a91530n, 2n]);
    symbolAt(b, 0xfffff80727a91530n, "myfault!MyfaultDispatch+0x30");
    const out = run(b).output;
    expect(out).toContain("Access: read of ffffb402`1234a000");
    expect(out).toContain("Faulting instruction fffff807`27a91530: myfault!MyfaultDispatch+0x30");
    expect(out.split("\n")[0]).toBe("A page fault in myfault at myfault!MyfaultDispatch+0x30, reading ffffb402`1234a000 (a kernel address outside every module: pool or another mapping).");
    // Neither pool could be looked at: said, and no claim about what the address is.
    expect(out).toContain("Pool walk (big page table): not read: nt!PoolBigPageTable was not found");
    expect(out).toContain("Pool walk (segment heap): the symbol nt!ExPoolState was not found");
    // 19041 keeps small pool blocks in the segment heap, where !pool fails (DESIGN output conventions 1).
    expect(out).not.toMatch(/\n  !pool /);
    expect(out).toMatch(/\n  !pte ffffb402`1234a000 +/);
  });

  test("0x1A: a known subcode and an unknown one", () => {
    let out = run(bugcheckTarget(0x1a, [0x41790n, 0xffff86800762e9d0n, 0n, 1n])).output;
    expect(out).toContain("Memory manager consistency check failed: A page table page is corrupt");
    out = run(bugcheckTarget(0x1a, [0x5200n, 0xffffb4021234a000n, 0x41414141n, 0n])).output;
    expect(out).toContain("Memory manager consistency check failed: A page on a free pool SLIST is corrupt");
    expect(out).toContain("Arg3  00000000`41414141  Value found");
    expect(out).toContain("!pool ffffb402`1234a000");
    out = run(bugcheckTarget(0x1a, [0x61999n, 0n, 0n, 0n])).output;
    expect(out).toContain("Subcode 0x61999 is not in leaktools' table");
  });

  test("an unknown code: number, raw parameters, never an error", () => {
    const out = run(bugcheckTarget(0x1337, [1n, 0xffffb40200000000n, 3n, 4n])).output;
    expect(out).toContain("Bugcheck 0x1337 unknown bugcheck");
    expect(out).toContain("Arg2  ffffb402`00000000  Unknown");
    expect(out).toContain("Bugcheck 0x1337 is not in leaktools' table");
  });

  test("a known code without a decoder: its name", () => {
    const out = run(bugcheckTarget(0xd1, [0x10n, 2n, 0n, 0xfffff80727a91530n])).output;
    expect(out).toContain("Bugcheck 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL");
    expect(out).toContain("Memory referenced");
  });

  test("without nt!KiBugCheckData the dump header answers through .bugcheck", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
    b.target.onCommand(".bugcheck", ["Bugcheck code 000000C4", "Arguments 00000000`00000062 ffffb402`12345678 ffffb402`12340000 00000000`00000003"]);
    const out = run(b).output;
    expect(out).toContain("Bugcheck 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION (from .bugcheck)");
    expect(out).toContain("A driver unloaded with 3 pool allocations");
  });
});

describe("!crashtriage without a bugcheck", () => {
  test("a live kernel session: one line", () => {
    const b = bugcheckTarget(0, [0n, 0n, 0n, 0n], { dump: null });
    const lines = run(b).output.split("\n").filter(Boolean);
    expect(lines[0]).toBe("No bugcheck: this live session has not crashed. !crashtriage reads a kernel crash dump (MEMORY.DMP or a minidump), or a process stopped on an exception; open a dump with windbg -z.");
    expect(lines.slice(1)).toEqual(["@$crashtriage()"]); // the emulated dx echo of an empty value
  });

  test("a user-mode session without an exception: one line", () => {
    const out = run(userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 })).output;
    expect(out.split("\n").filter(Boolean)).toHaveLength(2); // the line and the dx echo of an empty value
    expect(out).toContain("No bugcheck: this user-mode session reports no exception (.exr -1 showed none)");
  });

  test("no symbol and no .bugcheck answer: says what to do", () => {
    const out = run(kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP })).output;
    expect(out).toContain("The bugcheck code could not be read: nt!KiBugCheckData was not found");
  });

  test("arguments are refused with one usage line (issue 9: bad arguments)", () => {
    const out = run(storeExceptionScene(), "!crashtriage 5").output;
    expect(out).toBe("Usage: !crashtriage - this command takes no arguments.\n@$crashtriage(5)\n");
  });
});

function bugcheckTargetOn(b: ReturnType<typeof kernelTarget>, code: number, args: bigint[]) {
  const at = b.global("nt", "KiBugCheckData", 5 * 8);
  b.writePtr(at, BigInt(code));
  args.forEach((a, i) => b.writePtr(at + BigInt(8 * (i + 1)), a));
  return b;
}

describe("!crashtriage on exception bugchecks (issue 21)", () => {
  test("0x1000007E, the issue's crash: the _M variant, the exception record, the context, amdppm+0x334c (golden)", () => {
    const r = run(exceptionCrashScene());
    expectGolden("triage-7e-amdppm", r.output);
    const lines = r.output.split("\n");
    expect(lines[0]).toBe("An access violation in amdppm.sys at amdppm+0x334c, reading ffffffff`ffffffff (an invalid address: -1, an uninitialised or poisoned pointer).");
    expect(lines[1]).toBe("Bugcheck 0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M (0x1000007E = 0x7E with the _M flag) (from nt!KiBugCheckData)");
    expect(r.output).toContain("Exception c0000005 STATUS_ACCESS_VIOLATION (access violation) at fffff804`8b58334c");
    expect(r.output).toContain("Context record: rip fffff804`8b58334c, rsp ffff8504`29891f28");
    expect(r.output).toContain("Access violation: read of ffffffff`ffffffff");
    expect(r.output).toMatch(/\n  \.exr ffff8504`29891ee8 +the exception record/);
    expect(r.output).toMatch(/\n  \.cxr ffff8504`29891720 ; k +the registers/);
    expect(r.output).toMatch(/\n  lmvm amdppm +/);
    expect(r.output).not.toContain("unknown bugcheck");
  });

  test("dx @$crashtriage() names the driver and both codes", () => {
    const value = run(exceptionCrashScene(), "dx @$crashtriage()").value as { Code: number; BaseCode: number; Name: string; Driver: string };
    expect(value.Code).toBe(0x1000007e);
    expect(value.BaseCode).toBe(0x7e);
    expect(value.Name).toBe("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M");
    expect(value.Driver).toBe("amdppm.sys");
  });

  test("the driver unloaded: MmUnloadedDrivers names it from its old range", () => {
    const out = run(exceptionCrashScene({ unloaded: true })).output;
    expect(out.split("\n")[0]).toBe(
      "An access violation in amdppm.sys (unloaded) at fffff804`8b58334c, inside the range amdppm.sys occupied before it was unloaded, reading ffffffff`ffffffff (an invalid address: -1, an uninitialised or poisoned pointer): code ran after its driver unloaded (a callback or timer left registered).",
    );
    expect(out).toContain("Layout: built-in _UNLOADED_DRIVERS (every x64 build), not from the symbols; !leaktools shows why.");
  });

  test("a triage dump: the build from NtBuildLab, the record and context from the stack, the unloaded list said missing", () => {
    const b = exceptionCrashScene({ triageDump: true, unloaded: true });
    const out = run(b).output;
    // No "the Windows build is unknown", no "Could not read the Windows build": NtBuildLab said 19041.
    expect(out).not.toMatch(/build is unknown|Could not read the Windows build|guessed/);
    expect(out).toContain("Exception c0000005 STATUS_ACCESS_VIOLATION");
    expect(out).toContain("The unloaded-driver list could not be read (nt!MmUnloadedDrivers at");
    expect(out).toMatch(/\n  lm +the loaded and the unloaded modules/);
    expect(out.split("\n")[0]).toBe("An access violation at fffff804`8b58334c (outside every loaded module), reading ffffffff`ffffffff (an invalid address: -1, an uninitialised or poisoned pointer).");
  });

  test("a triage dump holding only what one captures (header, driver list, the crashed thread's stack): the same answer", () => {
    const r = run(strictTriageDumpScene());
    const lines = r.output.split("\n");
    expect(lines[0]).toBe("An access violation in amdppm.sys at amdppm+0x334c, reading ffffffff`ffffffff (an invalid address: -1, an uninitialised or poisoned pointer).");
    // The code from the dump header (nt!KiBugCheckData's page is not captured), the build from vertarget's banner.
    expect(lines[1]).toBe("Bugcheck 0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M (0x1000007E = 0x7E with the _M flag) (from .bugcheck)");
    expect(r.output).not.toMatch(/build is unknown|Could not read the Windows build|guessed/);
    expect(r.output).toContain("Context record: rip fffff804`8b58334c, rsp ffff8504`29891f28");
    expect(r.output).toContain("Access violation: read of ffffffff`ffffffff");
  });

  test("a triage dump: other commands know the build from the dump's own answer too", () => {
    const out = DebuggerSession.load(strictTriageDumpScene().target).run("!leaktools").output;
    expect(out).toContain("Windows build 19041");
    expect(out).not.toContain("Could not read the Windows build");
  });

  test("the exception record and context are not in the dump: said plainly, the parameters kept", () => {
    const out = run(exceptionCrashScene({ recordMissing: true })).output;
    expect(out).toContain("The exception record at ffff8504`29891ee8 (Arg3) could not be read: it is not in this dump; what the parameters say is kept");
    expect(out).toContain("The context record at ffff8504`29891720 (Arg4) could not be read: it is not in this dump");
    expect(out.split("\n")[0]).toBe("An access violation in amdppm.sys at amdppm+0x334c.");
  });

  test("on a live session an unreadable record is not called missing from a dump: the read's own words", () => {
    const out = run(exceptionCrashScene({ recordMissing: true, live: true })).output;
    expect(out).not.toContain("not in this dump");
    expect(out).toContain("Unreadable: EXCEPTION_RECORD at ffff8504`29891ee8");
    expect(out).toContain("Unreadable: _CONTEXT at ffff8504`29891720");
    expect(out.split("\n")[0]).toBe("An access violation in amdppm.sys at amdppm+0x334c.");
  });

  test("0x1E: the access violation's parameters come from Arg3 and Arg4", () => {
    const b = bugcheckTarget(0x1e, [0xc0000005n, 0xfffff80727a91530n, 1n, 0x28n]);
    b.target.addModule("myfault.sys", 0xfffff80727a90000n, 0x5000);
    const out = run(b).output;
    expect(out.split("\n")[0]).toBe("An access violation in myfault.sys at myfault+0x1530, writing 00000000`00000028 (a NULL pointer +0x28: the first 64 KB are never mapped).");
  });

  test("an exception in the kernel itself: lmvm nt, the name lm knows it by, not the file's stem", () => {
    const b = bugcheckTarget(0x1e, [0xc0000005n, 0n, 0n, 0x28n]);
    const nt = b.target.modules.find((m) => m.name === "nt")!;
    b.target.modules.splice(b.target.modules.indexOf(nt), 1);
    b.target.addModule("C:\\Windows\\system32\\ntoskrnl.exe", BigInt(nt.base), nt.size);
    b.writePtr(BigInt(b.target.symbols.get("nt!KiBugCheckData")!) + 16n, BigInt(nt.base) + 0x21530n);
    const out = run(b).output;
    expect(out.split("\n")[0]).toMatch(/^An access violation in ntoskrnl\.exe at ntoskrnl\+0x21530/);
    expect(out).toMatch(/\n  lmvm nt +the driver's version/);
  });

  test("0x8E: the trap frame at Arg3 gives rip and rsp", () => {
    const b = bugcheckTarget(0x8e, [0x80000003n, 0xfffff80727a91530n, 0n, 0n]);
    const trap = b.alloc(TRAP64.size, 16);
    b.memory.writeU64(trap + BigInt(TRAP64.Rip), 0xfffff80727a91530n);
    b.memory.writeU64(trap + BigInt(TRAP64.Rsp), 0xffff850429891f28n);
    b.writePtr(BigInt(b.target.symbols.get("nt!KiBugCheckData")!) + 24n, trap);
    b.target.addModule("myfault.sys", 0xfffff80727a90000n, 0x5000);
    const out = run(b).output;
    expect(out).toContain("Trap frame: rip fffff807`27a91530, rsp ffff8504`29891f28");
    expect(out.split("\n")[0]).toBe("Exception 80000003 STATUS_BREAKPOINT (breakpoint or assertion hit with no debugger attached) in myfault.sys at myfault+0x1530.");
  });

  test("0xD1: the instruction's driver, the referenced address classified", () => {
    // Values of nmap/npcap issue 819 (test/fixtures/analyze/analyze-npcap819-x64-d1.txt).
    const b = bugcheckTarget(0xd1, [0xffff8882181330e8n, 2n, 1n, 0xfffff800f5577150n]);
    b.target.addModule("npcap.sys", 0xfffff800f5570000n, 0x20000);
    const out = run(b).output;
    expect(out.split("\n")[0]).toBe("An invalid memory reference at IRQL 2 in npcap.sys at npcap+0x7150, writing ffff8882`181330e8 (a kernel address outside every module: pool or another mapping).");
  });

  test("0x139 type 3: a corrupted LIST_ENTRY", () => {
    const out = run(bugcheckTarget(0x139, [3n, 0n, 0n, 0n])).output;
    expect(out.split("\n")[0]).toMatch(/^Security check failure: A LIST_ENTRY was corrupted/);
    expect(out).toContain("Type 3: a LIST_ENTRY whose Flink->Blink");
  });
});

describe("!crashtriage on pool corruption: the neighbour that overran (issue 21)", () => {
  test("0x13A on a segment-heap kernel: the block before the damage, its tag and its driver, and special pool for it (golden)", () => {
    const scene = heapOverrunScene();
    const r = run({ target: scene.s.target });
    expectGolden("triage-13a-overrun", r.output);
    const first = r.output.split("\n")[0];
    expect(first).toBe(
      "Pool corruption at " + debuggerAddress(scene.chunk) + ": Invalid internal heap state, usually the result of a buffer overflow; the block before it is tagged 'NfOv', allocated by netfiltx.sys: the usual writer of an overrun.",
    );
    expect(r.output).toContain("The block before it: pool header " + debuggerAddress(scene.nfov.header) + ", tag 'NfOv'");
    expect(r.output).toContain("Tag 'NfOv': 1 image part could not be read and was not searched (nt image: headers unreadable)");
    // The hit is the tag immediate of "mov r8d, 'NfOv'", two bytes into the instruction.
    expect(r.output).toContain("Tag 'NfOv' is allocated by netfiltx.sys at netfiltx+0x" + (scene.overrunner.site + 2).toString(16) + " (found in its code, high confidence)");
    expect(r.output).toMatch(/\n  verifier \/flags 0x1 \/driver netfiltx\.sys +on the crashed machine, then reboot: special pool for netfiltx\.sys/);
    expect(r.output).toMatch(/\n  gflags \/r \+spp NfOv +/);
    // A segment-heap block: no !pool follow-up (it does not walk segment-heap pages).
    expect(r.output).not.toMatch(/\n  !pool /);
  });
});

describe("!crashtriage on the pre-1809 pool: the header chain names the block before", () => {
  test("0x19/0x20 on Windows 8.1: the chain breaks at the damaged header, the block before is the overrunner", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win81, dump: DUMP });
    const [, ovr, vict] = poolPage(b, [
      { tag: "Ntfx", bytes: 0x30, busy: true },
      { tag: "Ovr1", bytes: 0x58, busy: true },
      { tag: "Vict", bytes: 0x40, busy: true },
      { tag: "Free", bytes: 0x80, busy: false },
    ]);
    // The overrun: 'Ovr1' wrote 8 bytes past its block, over the next header's sizes and tag.
    b.memory.write(vict, new TextEncoder().encode("AAAAAAAA"));
    const out = run(bugcheckTargetOn(b, 0x19, [0x20n, vict, vict + 0x50n, 0n])).output;
    expect(out).toContain("The pool header chain of the page breaks at " + debuggerAddress(vict) + ": that header is corrupt");
    expect(out).toContain("The block before it: pool header " + debuggerAddress(ovr) + ", tag 'Ovr1', 0x70 (112 bytes)");
    expect(out.split("\n")[0]).toMatch(/^Pool corruption: A pool block header's size is corrupt \(block tagged 'AAAA'\) - the damage was done earlier.*; the block before it is tagged 'Ovr1'$/);
    expect(out).toMatch(/\n  !pool /);
    expect(out).toMatch(/\n  gflags \/r \+spp Ovr1 +/);
  });
});

describe("!crashtriage in user mode: the exception .exr -1 reports (real outputs, test/fixtures/triage/exr-*.txt)", () => {
  const exr = (file: string) => {
    const text = require("fs").readFileSync(require("path").resolve(__dirname, "../fixtures/triage", file), "utf8") as string;
    const body = text.slice(text.indexOf("\n\n") + 2);
    return body.split(/\r?\n/).filter((l: string) => l.length > 0 && !/^EXCEPTION_RECORD:/.test(l) && !/^\.exr/.test(l)).map((l: string) => l.replace(/^# /, ""));
  };

  test("a NULL write in test_symbol.exe: the verdict names the module, the symbol and the NULL pointer", () => {
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_2004 });
    b.target.addModule("C:\\test\\test_symbol.exe", 0x7ff7e8b40000n, 0x30000);
    b.target.onCommand(".exr -1", exr("exr-test-symbol-x64.txt"));
    const r = run(b);
    expect(r.output.split("\n")[0]).toBe("An access violation in test_symbol.exe at test_symbol!main+0x49, writing 00000000`00000000 (a NULL pointer: the first 64 KB are never mapped).");
    expect(r.output).toContain("Exception c0000005 STATUS_ACCESS_VIOLATION (access violation) at 00007ff7`e8b57919 test_symbol!main+0x49, flags 0, 2 parameters");
    expect(r.output).toMatch(/\n  \.ecxr ; k +the registers/);
    expect(r.output).toMatch(/\n  lmvm test_symbol +/);
  });

  test("x86: a read of a wild address from Encode.dll", () => {
    const b = userTarget({ pointerSize: 4, build: BUILDS.win10_2004 });
    b.target.addModule("C:\\perl\\lib\\Encode.dll", 0x6b740000n, 0x10000);
    b.target.onCommand(".exr -1", exr("exr-perl-encode-x86.txt"));
    const out = run(b).output;
    expect(out.split("\n")[0]).toBe("An access violation in Encode.dll at Encode!XS_Encode__XS_mime_name+0x76, reading 1122334c (an address of the process it could not touch: freed or never allocated, a stale or wild pointer).");
    expect(out).toMatch(/\n  !heap -p -a 1122334c +the debugger.s view of the block/);
    expect(out).toContain("1122334c is in no heap block the walk saw");
  });

  test("x64: a sign-extended pointer read is a kernel-space address from user mode", () => {
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_2004 });
    b.target.onCommand(".exr -1", exr("exr-fastapp-x64.txt"));
    const out = run(b).output;
    expect(out.split("\n")[0]).toMatch(/^An access violation at fastapp_ext64!std::basic_string<.*>::assign\+0x1a, reading ffffffff`823b63d8 \(a kernel-space address, never valid from user mode\)\.$/);
  });

  test("a CLR exception with no parameters: the code, no access claimed", () => {
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_2004 });
    b.target.onCommand(".exr -1", exr("exr-clr-x64.txt"));
    const out = run(b).output;
    expect(out.split("\n")[0]).toBe("Exception e0434f4d (CLR exception) at 000007fe`9b17f963.");
  });
});

describe("!crashtriage in user mode: the heap block the address falls in (issue 20's walk)", () => {
  test("a read of a freed block: FREE, its size, and the busy block before it with its +ust stack", () => {
    const s = userAfterFreeScene();
    const out = run(s.b).output;
    expect(out.split("\n")[0]).toBe(
      "An access violation in app.exe at app!Request::Complete+0x2b, reading " + debuggerAddress(s.referenced) +
        " (an address of the process it could not touch: freed or never allocated, a stale or wild pointer), inside a FREED heap block of 0x70 (112 bytes): a use after free.",
    );
    expect(out).toContain(debuggerAddress(s.referenced) + " is +0x18 into a FREE Backend block at " + debuggerAddress(s.freedUser));
    expect(out).toContain("The block before it: busy Backend block at " + debuggerAddress(s.before.address) + " of 0x40 (64 bytes)");
    expect(out).toContain("  Allocated by the stack at " + debuggerAddress(s.trace) + " (+ust).");
    expect(out).toMatch(new RegExp("\\n  !heap -p -a " + debuggerAddress(s.referenced) + " +"));
    // ntdll's symbols gave the heap layouts: no provenance line (output conventions 2).
    expect(out).not.toContain("Heap layout:");
  });
});

describe("!crashtriage: what a referenced kernel address is, from the pool's own records (issue 21)", () => {
  test("0x50 reading inside a busy segment-heap block: its header, size, tag and the driver that allocates the tag", () => {
    const sc = poolReferenceScene();
    const referenced = sc.nfov.header + 0x50n;
    sc.bugcheck(0x50, [referenced, 0n, sc.instruction, 2n]);
    const out = run({ target: sc.s.target }).output;
    expect(out.split("\n")[0]).toBe(
      "A page fault in netfiltx.sys at netfiltx+0x1200, reading " + debuggerAddress(referenced) + " (+0x50 from the pool header at " + debuggerAddress(sc.nfov.header) +
        ", a busy block of 0x200 (512 bytes), tag 'NfOv', allocated by netfiltx.sys).",
    );
    expect(out).toContain("Tag 'NfOv' is allocated by netfiltx.sys at netfiltx+0x1122 (found in its code, high confidence)");
    expect(out).toMatch(new RegExp("\\n  db " + debuggerAddress(sc.nfov.header) + " L0x200 +the pool block's header and bytes"));
    expect(out).not.toMatch(/\n  !pool /);
  });

  test("0xD1 writing where a block was freed: pool no busy block holds (a use after free, or a stale pointer)", () => {
    const sc = poolReferenceScene();
    const referenced = sc.freed.header + 0x40n;
    sc.bugcheck(0xd1, [referenced, 2n, 1n, sc.instruction]);
    const out = run({ target: sc.s.target }).output;
    expect(out.split("\n")[0]).toMatch(
      new RegExp("^An invalid memory reference at IRQL 2 in netfiltx\\.sys at netfiltx\\+0x1200, writing " + debuggerAddress(referenced) +
        " \\(pool in no busy block of the subsegment at ffffd100`[0-9a-f]{8}: freed or never-allocated pool \\(a use after free, or a stale pointer\\)\\)\\.$"),
    );
  });

  test("0x0A referencing a big allocation: nt!PoolBigPageTable's entry, its pool, tag and owner, and !pool to copy", () => {
    const sc = poolReferenceScene();
    const referenced = sc.big + 0x120n;
    sc.bugcheck(0x0a, [referenced, 2n, 0n, sc.instruction]);
    const out = run({ target: sc.s.target }).output;
    expect(out.split("\n")[0]).toBe(
      "An invalid memory reference at IRQL 2 in netfiltx.sys at netfiltx+0x1200, reading " + debuggerAddress(referenced) + " (+0x120 into a NonPaged big pool allocation at " +
        debuggerAddress(sc.big) + " of 0x3000 (12.0 KB), tag 'BigP', allocated by bigdrv.sys).",
    );
    expect(out).toContain("Layout: built-in _POOL_TRACKER_BIG_PAGES (Windows 10 1507-22H2 x64), not from the symbols; !leaktools shows why.");
    expect(out).toMatch(new RegExp("\\n  !pool " + debuggerAddress(referenced) + " +the big allocation"));
  });

  test("every failed read of the pool lookup is handled: no escape, no write, a verdict every time", () => {
    const summary = failEachRead(() => {
      const sc = poolReferenceScene();
      sc.bugcheck(0x50, [sc.nfov.header + 0x50n, 0n, sc.instruction, 2n]);
      return sc.s.target;
    }, "!crashtriage");
    expect(summary.injected).toBeGreaterThanOrEqual(8);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    for (const r of summary.runs) expect(r.result.output).toMatch(/^(A page fault|The bugcheck code could not be read)/);
  });

  test("a triage dump without the pool pages: said plainly, the address left unclassified", () => {
    const sc = poolReferenceScene();
    const referenced = sc.nfov.header + 0x50n;
    sc.bugcheck(0x50, [referenced, 0n, sc.instruction, 2n]);
    sc.b.memory.unmap(sc.nfov.header & ~0xfffn, 0x1000);
    const out = run({ target: sc.s.target }).output;
    expect(out.split("\n")[0]).toBe("A page fault in netfiltx.sys at netfiltx+0x1200, reading " + debuggerAddress(referenced) + " (a kernel address outside every module: pool or another mapping).");
    expect(out).toMatch(/Pool walk \(segment heap\): .*unreadable|Pool walk \(segment heap\): .*Unreadable/);
  });

  test("Windows 8.1: a FREE block of an intact pool page; a page whose chain does not cover it claims nothing", () => {
    const page = (blocks: { tag: string; bytes: number; busy: boolean }[]) => {
      const b = kernelTarget({ pointerSize: 8, build: BUILDS.win81, dump: DUMP });
      const headers = poolPage(b, blocks);
      return { b, headers };
    };
    // 0x40 + 0x70 + 0x90 + 0xec0 = 0x1000: the chain covers the whole page.
    const full = page([
      { tag: "Ntfx", bytes: 0x30, busy: true },
      { tag: "Ovr1", bytes: 0x58, busy: true },
      { tag: "Free", bytes: 0x80, busy: false },
      { tag: "Rest", bytes: 0xeb0, busy: true },
    ]);
    const referenced = full.headers[2] + 0x28n;
    let out = run(bugcheckTargetOn(full.b, 0x50, [referenced, 0n, 0xfffff80727a91530n, 0n])).output;
    expect(out.split("\n")[0]).toContain(
      "(+0x28 from the pool header at " + debuggerAddress(full.headers[2]) + ", a FREE block of 0x90 (144 bytes) (last tag 'Free'): a use after free)",
    );
    expect(out).toMatch(new RegExp("\\n  !pool " + debuggerAddress(referenced) + " +"));
    const partial = page([
      { tag: "Ntfx", bytes: 0x30, busy: true },
      { tag: "Free", bytes: 0x80, busy: false },
    ]);
    out = run(bugcheckTargetOn(partial.b, 0x50, [partial.headers[1] + 0x28n, 0n, 0xfffff80727a91530n, 0n])).output;
    expect(out.split("\n")[0]).toContain("(a kernel address outside every module: pool or another mapping)");
    expect(out).toContain("Pool walk (pool page): the _POOL_HEADER chain of the page at " + debuggerAddress(partial.headers[0]) + " does not run intact to its end");
  });
});

describe("!crashtriage: a referenced address on the crashing thread's stack, from its _KTHREAD (issue 21)", () => {
  // Seed 004's thread and stack bounds (crashingThread); the instruction in a driver, as in npcap issue 819's 0xD1.
  const scene = (referenced: (t: ReturnType<typeof crashingThread>) => bigint, options: { inDump?: boolean; damaged?: boolean } = {}) => {
    const b = bugcheckTarget(0xd1, [0n, 2n, 1n, 0xfffff800f5577150n]);
    b.target.addModule("npcap.sys", 0xfffff800f5570000n, 0x20000);
    const t = crashingThread(b, options);
    const at = BigInt(b.target.symbols.get("nt!KiBugCheckData")!);
    b.writePtr(at + 8n, referenced(t));
    return { b, t, referenced: referenced(t) };
  };

  test("0xD1 writing inside [StackLimit, StackBase): the crashing thread's kernel stack, its bounds in the findings", () => {
    const sc = scene((t) => t.base - 0x468n);
    const session = DebuggerSession.load(sc.b.target);
    const r = session.run("!crashtriage");
    expect(r.escaped).toBeNull();
    const out = r.output;
    // One read of the thread object: InitialStack to the end of StackBase (0x28..0x40).
    const threadReads = session.control.readLog.filter((x) => x.address >= sc.t.thread && x.address < sc.t.thread + 0x1000n);
    expect(threadReads.map((x) => [x.address - sc.t.thread, x.size])).toEqual([[0x28n, 0x18]]);
    expect(out.split("\n")[0]).toBe(
      "An invalid memory reference at IRQL 2 in npcap.sys at npcap+0x7150, writing " + debuggerAddress(sc.referenced) + " (the crashing thread's kernel stack (0x468 below its StackBase)).",
    );
    expect(out).toContain("The crashing thread ffffb402`be04a080: kernel stack ffffe607`bc539000 to ffffe607`bc540000 (StackLimit to StackBase of its _KTHREAD)");
    expect(out).toMatch(/\n  !thread ffffb402`be04a080 +the crashing thread/);
    expect(out).toContain("Layout: built-in _KTHREAD (Windows 8 to 11 x64)");
    // The bounds settle it: no pool lookup of a stack address.
    expect(out).not.toMatch(/Pool walk|!pool /);
    const layouts = (r.value as { Layouts: string[] }).Layouts;
    expect(layouts.some((l) => /^_KTHREAD: .*built-in layout for Windows 8 to 11 x64 \(not checked against a PDB\)/.test(l))).toBe(true);
  });

  test("StackLimit itself is on the stack; StackBase is not (the stack ends below it)", () => {
    let sc = scene((t) => t.limit);
    expect(run(sc.b).output.split("\n")[0]).toContain("(the crashing thread's kernel stack (0x7000 below its StackBase))");
    sc = scene((t) => t.base);
    expect(run(sc.b).output.split("\n")[0]).toContain("(a kernel address outside every module: pool or another mapping)");
  });

  test("0xD1 just below StackLimit: the guard page, a kernel stack overflow, and kf to find the frames that used it", () => {
    const sc = scene((t) => t.limit - 0x18n);
    const out = run(sc.b).output;
    expect(out.split("\n")[0]).toBe(
      "An invalid memory reference at IRQL 2 in npcap.sys at npcap+0x7150, writing " + debuggerAddress(sc.referenced) +
        " (just below the crashing thread's stack (0x18 under its StackLimit, the guard page): most likely a kernel stack overflow).",
    );
    expect(out).toMatch(/\n  kf +the call stack with each frame's size/);
  });

  test("a triage dump without the thread object: said plainly, the address left unclassified", () => {
    const sc = scene((t) => t.base - 0x468n, { inDump: false });
    const out = run(sc.b).output;
    expect(out.split("\n")[0]).toContain("(a kernel address outside every module: pool or another mapping)");
    expect(out).toContain(
      "The crashing thread's stack bounds are not known: the thread object at ffffb402`be04a080 is not in this dump; whether the address is on its stack is not said.",
    );
  });

  test("a damaged thread object (StackLimit above StackBase): its bounds are not believed", () => {
    const sc = scene((t) => t.base - 0x468n, { damaged: true });
    const out = run(sc.b).output;
    expect(out.split("\n")[0]).toContain("(a kernel address outside every module: pool or another mapping)");
    expect(out).toContain("the thread object at ffffb402`be04a080 is damaged or not a thread: StackLimit ffffe607`bc540000 and StackBase ffffe607`bc539000 do not bound a kernel stack");
  });

  test("no !thread answer: the bounds are not known, and why", () => {
    const b = bugcheckTarget(0xd1, [0xffff8882181330e8n, 2n, 1n, 0xfffff800f5577150n]);
    const out = run(b).output;
    expect(out).toContain("The crashing thread's stack bounds are not known: !thread named no thread;");
  });

  test("0x50 reading the stack: the same answer through the page-fault decoder", () => {
    const b = bugcheckTarget(0x50, [0n, 0n, 0xfffff800f5577150n, 2n]);
    b.target.addModule("npcap.sys", 0xfffff800f5570000n, 0x20000);
    const t = crashingThread(b);
    b.writePtr(BigInt(b.target.symbols.get("nt!KiBugCheckData")!) + 8n, t.init);
    expect(run(b).output.split("\n")[0]).toBe(
      "A page fault in npcap.sys at npcap+0x7150, reading " + debuggerAddress(t.init) + " (the crashing thread's kernel stack (0x470 below its StackBase)).",
    );
  });

  test("every failed read is handled: no escape, no write, a verdict every time", () => {
    const summary = failEachRead(() => scene((t) => t.base - 0x468n).b.target, "!crashtriage");
    expect(summary.injected).toBeGreaterThanOrEqual(2);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    for (const r of summary.runs) expect(r.result.output).toMatch(/^(An invalid memory reference|The bugcheck code could not be read)/);
  });

  test("x86: no _KTHREAD layout is known, said as such", () => {
    const b = bugcheckTarget(0xd1, [0x8a123456n, 2n, 1n, 0x82345678n], { pointerSize: 4 });
    const out = run(b).output;
    expect(out).toMatch(/The crashing thread's stack bounds are not known: no layout for _KTHREAD \(.*no built-in layout for 32-bit targets\)/);
  });
});
