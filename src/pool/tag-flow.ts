// Where a tag loaded by one instruction goes: instruction by instruction from the tag's instruction to the calls it
// is an argument of. Compilers do not always load the tag into the argument register: MSVC hoists a constant used
// more than once into a callee-saved register (`mov ebp, imm32` ... `mov r8d, ebp` ... `call [IAT]`, bufferutil-x64.node
// rva 0x5187 and 0xd9a2, test/unit/pool/tag-flow.test.ts) and x86 code pushes a register (`mov esi, imm32` ...
// `push esi`). So the walk follows register moves, forgets what a call clobbers, and stops where the code stops
// running straight on: at a `jmp`, `ret` or `int3`, at a call once no callee-saved register holds the tag, or at the
// first byte it cannot decode. A raw byte scan of a fixed window instead runs past a free site's `jmp`/`ret` into the
// next function and takes that function's allocation for the tag's.
//
// The decoder knows instruction lengths (prefixes, REX, one- and two-byte opcodes, ModRM/SIB/displacement,
// immediates) and the few effects the walk needs; VEX/EVEX and far calls end the walk.

/** Bytes from the tag's instruction the walk may go: a hoisted tag is used within its function, and the callee-saved
 *  register is reused by the next one. MSVC's uses in bufferutil-x64.node lie 0x12 to 0x44 bytes apart. */
export const TAG_FLOW_BYTES = 0x200;
/** Instructions decoded at most per tag. */
export const TAG_FLOW_INSTRUCTIONS = 160;

export const REGISTER_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"];

/** Registers a call may change (Microsoft x64 calling convention: rax, rcx, rdx, r8-r11; x86: eax, ecx, edx). */
const VOLATILE64 = [0, 1, 2, 8, 9, 10, 11];
const VOLATILE32 = [0, 1, 2];
/** Registers that carry arguments: rcx, rdx, r8, r9 (x64); ecx, edx for __fastcall wrappers (x86). */
const ARGUMENTS64 = [1, 2, 8, 9];
const ARGUMENTS32 = [1, 2];

export interface Instruction {
  length: number;
  /** The opcode: one byte, 0x0f00 | byte for the two-byte map, 0x0f3800 | byte and 0x0f3a00 | byte for three. */
  opcode: number;
  /** Offset of the opcode byte from the instruction's start (after prefixes and REX). */
  opcodeAt: number;
  /** The REX byte (x64), 0 without one. */
  rex: number;
  rexW: boolean;
  operandSize16: boolean;
  /** ModRM fields with the REX extensions applied, or null without a ModRM byte. */
  mod: number | null;
  reg: number;
  rm: number;
  /** A memory operand based on rsp/esp (an outgoing argument's slot). */
  stackMemory: boolean;
  /** Offset and size of the immediate, 0 when none. */
  immediateAt: number;
  immediateSize: number;
}

const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
/** One-byte opcodes invalid in 64-bit mode (or VEX/EVEX/far forms this decoder does not size). */
const INVALID64 = [0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0x62, 0x82, 0x9a, 0xc4, 0xc5, 0xd4, 0xd5, 0xd6, 0xea];
const UNSIZED32 = [0x62, 0x9a, 0xc4, 0xc5, 0xea];

function oneByteHasModrm(b: number): boolean {
  if (b < 0x40) return (b & 7) < 4;
  if (b === 0x62 || b === 0x63 || b === 0x69 || b === 0x6b) return true;
  if (b >= 0x80 && b <= 0x8f) return true;
  if (b === 0xc0 || b === 0xc1 || b === 0xc6 || b === 0xc7) return true;
  if (b >= 0xd0 && b <= 0xd3) return true;
  if (b >= 0xd8 && b <= 0xdf) return true;
  return b === 0xf6 || b === 0xf7 || b === 0xfe || b === 0xff;
}

/** Immediate bytes of a one-byte opcode (`reg` is the ModRM reg field, for f6/f7). */
function oneByteImmediate(b: number, z: number, rexW: boolean, is64: boolean, addressSize32: boolean, reg: number): number {
  if (b < 0x40) return (b & 7) === 4 ? 1 : (b & 7) === 5 ? z : 0;
  if (b === 0x68 || b === 0x69 || b === 0x81 || b === 0xa9 || b === 0xc7) return z;
  if (b === 0x6a || b === 0x6b || b === 0x80 || b === 0x82 || b === 0x83 || b === 0xa8 || b === 0xc0 || b === 0xc1 || b === 0xc6) return 1;
  if (b >= 0x70 && b <= 0x7f) return 1;
  if (b >= 0xa0 && b <= 0xa3) return is64 && !addressSize32 ? 8 : 4;
  if (b >= 0xb0 && b <= 0xb7) return 1;
  if (b >= 0xb8 && b <= 0xbf) return rexW ? 8 : z;
  if (b === 0xc2 || b === 0xca) return 2;
  if (b === 0xc8) return 3;
  if (b === 0xcd || b === 0xd4 || b === 0xd5 || b === 0xeb) return 1;
  if (b >= 0xe0 && b <= 0xe7) return 1;
  if (b === 0xe8 || b === 0xe9) return 4;
  if ((b === 0xf6 || b === 0xf7) && reg < 2) return b === 0xf6 ? 1 : z;
  return 0;
}

function twoByteHasModrm(b: number): boolean {
  if ((b >= 0x05 && b <= 0x09) || b === 0x0b || b === 0x0e || b === 0x77) return false;
  if (b >= 0x30 && b <= 0x37) return false;
  if (b >= 0x80 && b <= 0x8f) return false;
  if (b === 0xa0 || b === 0xa1 || b === 0xa2 || b === 0xa8 || b === 0xa9 || b === 0xaa) return false;
  return !(b >= 0xc8 && b <= 0xcf);
}

function twoByteImmediate(b: number): number {
  if (b >= 0x80 && b <= 0x8f) return 4;
  if ((b >= 0x70 && b <= 0x73) || b === 0xa4 || b === 0xac || b === 0xba || b === 0xc2 || b === 0xc4 || b === 0xc5 || b === 0xc6 || b === 0x0f) return 1;
  return 0;
}

/** The instruction at `at`, or null when it is not one this decoder sizes (or runs past the bytes). */
export function decodeInstruction(bytes: Uint8Array, at: number, is64: boolean): Instruction | null {
  let i = at;
  let operandSize16 = false;
  let addressSizeOverride = false;
  while (i < bytes.length && PREFIXES.indexOf(bytes[i]) >= 0 && i - at < 14) {
    if (bytes[i] === 0x66) operandSize16 = true;
    if (bytes[i] === 0x67) addressSizeOverride = true;
    i++;
  }
  // 16-bit addressing (0x67 in 32-bit code) is not met in drivers: stop rather than mis-size.
  if (!is64 && addressSizeOverride) return null;
  let rex = 0;
  if (is64 && i < bytes.length && bytes[i] >= 0x40 && bytes[i] <= 0x4f) rex = bytes[i++];
  if (i >= bytes.length) return null;
  const rexW = (rex & 8) !== 0;
  const z = operandSize16 ? 2 : 4;
  const opcodeAt = i - at;
  let opcode = bytes[i++];
  let hasModrm: boolean;
  let immediate = 0;
  let reg = 0;
  if (opcode === 0x0f) {
    if (i >= bytes.length) return null;
    const second = bytes[i++];
    if (second === 0x38 || second === 0x3a) {
      if (i >= bytes.length) return null;
      opcode = (second === 0x38 ? 0x0f3800 : 0x0f3a00) | bytes[i++];
      hasModrm = true;
      immediate = second === 0x3a ? 1 : 0;
    } else {
      opcode = 0x0f00 | second;
      hasModrm = twoByteHasModrm(second);
      immediate = twoByteImmediate(second);
    }
  } else {
    if ((is64 ? INVALID64 : UNSIZED32).indexOf(opcode) >= 0) return null;
    hasModrm = oneByteHasModrm(opcode);
  }
  let mod: number | null = null;
  let rm = 0;
  let stackMemory = false;
  if (hasModrm) {
    if (i >= bytes.length) return null;
    const modrm = bytes[i++];
    mod = modrm >> 6;
    reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    rm = (modrm & 7) | ((rex & 1) << 3);
    if (mod !== 3) {
      let base = modrm & 7;
      if ((modrm & 7) === 4) {
        if (i >= bytes.length) return null;
        const sib = bytes[i++];
        base = sib & 7;
        if (mod === 0 && base === 5) i += 4;
      } else if (mod === 0 && base === 5) i += 4;
      if (mod === 1) i += 1;
      if (mod === 2) i += 4;
      // Outgoing arguments live at [rsp+x] / [esp+x]; [rbp+x] is a local, and base 4 with REX.B is r12.
      stackMemory = base === 4 && (rex & 1) === 0;
    }
  }
  if (opcode < 0x100) immediate = oneByteImmediate(opcode, z, rexW, is64, addressSizeOverride, reg & 7);
  const immediateAt = i - at;
  i += immediate;
  if (i > bytes.length) return null;
  return { length: i - at, opcode, opcodeAt, rex, rexW, operandSize16, mod, reg, rm, stackMemory, immediateAt, immediateSize: immediate };
}

/** Where the tag is at the start of the walk: in a register (its number) or stored on the stack. */
export interface TagHolder {
  register: number | null;
  stack: boolean;
}

/** A call made while an argument holds the tag. */
export interface CallPassingTag {
  /** Offset of the call instruction in `bytes`, and of its opcode (after any REX prefix). */
  at: number;
  opcodeAt: number;
  /** The register moves that brought the tag into the argument (`mov r8d, ebp`), oldest first. */
  moves: string[];
  jump: boolean;
}

export interface TagFlow {
  calls: CallPassingTag[];
  /** Why the walk stopped: "jmp", "ret", "int3", "call" (nothing held the tag after it), "undecoded", "window". */
  stop: string;
}

/**
 * Walks from `from` (the instruction after the tag's) while the tag is held, and returns the calls (and the tail
 * jump) made with the tag in an argument: x64 rcx/rdx/r8/r9 or a stack slot, x86 the stack or ecx/edx.
 */
export function followTag(bytes: Uint8Array, from: number, holder: TagHolder, is64: boolean, maxBytes = TAG_FLOW_BYTES): TagFlow {
  const held: { [register: number]: string[] } = {};
  if (holder.register !== null) held[holder.register] = [];
  let stack = holder.stack;
  let stackMoves: string[] = [];
  const volatile = is64 ? VOLATILE64 : VOLATILE32;
  const argumentRegisters = is64 ? ARGUMENTS64 : ARGUMENTS32;
  const calls: CallPassingTag[] = [];
  const end = Math.min(bytes.length, from + maxBytes);
  const holding = () => stack || Object.keys(held).length > 0;
  const release = (r: number) => delete held[r];
  let at = from;
  for (let count = 0; count < TAG_FLOW_INSTRUCTIONS; count++) {
    if (at >= end) return { calls, stop: "window" };
    const ins = decodeInstruction(bytes.subarray(0, end), at, is64);
    if (!ins) return { calls, stop: "undecoded" };
    const op = ins.opcode;
    const ext = ins.reg & 7;
    const isCall = op === 0xe8 || (op === 0xff && ins.mod !== null && (ext === 2 || ext === 3));
    const isJump = op === 0xe9 || op === 0xeb || (op === 0xff && ins.mod !== null && (ext === 4 || ext === 5));
    if (isCall || isJump) {
      const inArgument = argumentRegisters.filter((r) => held[r] !== undefined);
      if (stack || inArgument.length) {
        const moves = inArgument.length ? held[inArgument[0]] : stackMoves;
        calls.push({ at, opcodeAt: at + ins.opcodeAt, moves: moves.slice(), jump: isJump });
      }
      if (isJump) return { calls, stop: "jmp" };
      for (const r of volatile) release(r);
      stack = false;
      stackMoves = [];
      if (!holding()) return { calls, stop: "call" };
      at += ins.length;
      continue;
    }
    if (op === 0xc3 || op === 0xc2 || op === 0xcb || op === 0xca || op === 0xcf) return { calls, stop: "ret" };
    if (op === 0xcc || op === 0xcd || op === 0xf4 || op === 0x0f0b) return { calls, stop: "int3" };
    applyEffects(ins, held, (moves) => {
      stack = true;
      stackMoves = moves;
    });
    if (!holding()) return { calls, stop: "overwritten" };
    at += ins.length;
  }
  return { calls, stop: "window" };
}

/** What an instruction does to the registers that hold the tag: moves copy it, writes drop it, stores and pushes of a
 *  holder put it on the stack. */
function applyEffects(ins: Instruction, held: { [register: number]: string[] }, toStack: (moves: string[]) => void): void {
  const op = ins.opcode;
  const drop = (r: number) => delete held[r];
  const name = (r: number) => REGISTER_NAMES[r] || "r" + r;
  const register = ins.mod === 3;
  // mov r/m32, r32 (89) and mov r32, r/m32 (8b): register to register copies the tag; a store of a holder to a
  // stack slot puts it on the stack; a load overwrites the destination.
  if ((op === 0x89 || op === 0x8b) && !ins.operandSize16) {
    const dst = op === 0x89 ? ins.rm : ins.reg;
    const src = op === 0x89 ? ins.reg : ins.rm;
    if (register) {
      if (held[src] !== undefined) held[dst] = held[src].concat(["mov " + name(dst) + ", " + name(src)]);
      else drop(dst);
    } else if (op === 0x89) {
      if (held[src] !== undefined && ins.stackMemory) toStack(held[src].concat(["mov [stack], " + name(src)]));
    } else drop(dst);
    return;
  }
  // push r32/r64 (50+r; REX.B for r8-r15): x86 passes arguments this way.
  if (op >= 0x50 && op <= 0x57) {
    const r = (op - 0x50) | ((ins.rex & 1) << 3);
    if (held[r] !== undefined) toStack(held[r].concat(["push " + name(r)]));
    return;
  }
  if (op >= 0x58 && op <= 0x5f) {
    drop((op - 0x58) | ((ins.rex & 1) << 3));
    return;
  }
  // mov r32, imm (b8+r): another value.
  if (op >= 0xb8 && op <= 0xbf) {
    drop((op - 0xb8) | ((ins.rex & 1) << 3));
    return;
  }
  if (op >= 0xb0 && op <= 0xb7) return; // 8-bit moves: a byte register, not the tag's dword
  // Implicit writes: xchg eax, r; cdq/cwde; string instructions (rsi, rdi, rcx); mul/div (eax, edx); cpuid, rdtsc.
  if (op >= 0x91 && op <= 0x97) {
    drop(0);
    drop(op - 0x90);
    return;
  }
  if (op === 0x98 || op === 0x99) {
    drop(op === 0x98 ? 0 : 2);
    return;
  }
  if (op >= 0xa4 && op <= 0xaf) {
    drop(1);
    drop(6);
    drop(7);
    drop(0);
    return;
  }
  if (op === 0x0fa2 || op === 0x0f31) {
    drop(0);
    drop(2);
    if (op === 0x0fa2) {
      drop(1);
      drop(3);
    }
    return;
  }
  if (ins.mod === null) return;
  const ext = ins.reg & 7;
  // Compares and tests write no register.
  if ((op >= 0x38 && op <= 0x3b) || op === 0x84 || op === 0x85) return;
  if ((op === 0x80 || op === 0x81 || op === 0x83) && ext === 7) return;
  if ((op === 0xf6 || op === 0xf7) && ext < 2) return;
  if (op === 0xf7 && ext >= 4) {
    drop(0);
    drop(2);
    return;
  }
  // ALU r/m, r (x0/x1) writes r/m; ALU r, r/m (x2/x3) writes r.
  if (op < 0x40 && (op & 7) < 4) {
    if ((op & 7) < 2) {
      if (register) drop(ins.rm);
    } else drop(ins.reg);
    return;
  }
  // Group 1/2/3/5 on a register and mov r/m, imm: the r/m register changes (push r/m and call/jmp are handled apart).
  if (op === 0x80 || op === 0x81 || op === 0x83 || op === 0xc0 || op === 0xc1 || (op >= 0xd0 && op <= 0xd3) || op === 0xf6 || op === 0xf7 || op === 0xfe || op === 0xc6 || op === 0xc7 || op === 0x8f) {
    if (register) drop(ins.rm);
    return;
  }
  if (op === 0xff) {
    if (register && ext < 2) drop(ins.rm);
    return;
  }
  // Writes to the reg field: lea, movsxd, imul, movzx/movsx, cmovcc, bsf/bsr, popcnt, bt* to r/m, xchg, xadd.
  if (op === 0x8d || op === 0x63 || op === 0x69 || op === 0x6b || op === 0x0faf || op === 0x0fb6 || op === 0x0fb7 || op === 0x0fbe || op === 0x0fbf || op === 0x0fbc || op === 0x0fbd || op === 0x0fb8) {
    drop(ins.reg);
    return;
  }
  if (op >= 0x0f40 && op <= 0x0f4f) {
    drop(ins.reg);
    return;
  }
  if (op === 0x86 || op === 0x87 || op === 0x0fc0 || op === 0x0fc1) {
    drop(ins.reg);
    if (register) drop(ins.rm);
    return;
  }
  if (register && ((op >= 0x0f90 && op <= 0x0f9f) || op === 0x0fab || op === 0x0fb3 || op === 0x0fbb || op === 0x0fba || op === 0x0fa4 || op === 0x0fa5 || op === 0x0fac || op === 0x0fad)) {
    drop(ins.rm);
    return;
  }
  // mov r32, xmm (movd 66 0f 7e) and the like write a general register from the rm field.
  if (op === 0x0f7e && register) drop(ins.rm);
}
