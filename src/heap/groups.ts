// The allocations of a process grouped as UMDH groups them (issue 20): with +ust one group per stack trace record
// (the record's address is UMDH's BackTrace key, one record per distinct stack, so one group per stack); without
// +ust, or for blocks that carry no record, one group per (size, type). Pure: blocks in, groups out.
import { Address } from "../core/address";
import type { HeapBlock } from "./heap-blocks";

export interface HeapGroup {
  /** Stable within a process: `s:<record>` for a stack group, `z:<size>:<type pointer or ->` for a size group. */
  key: string;
  /** The stack trace record (+ust); null for a size group. */
  stackRecord: Address | null;
  /** The requested size shared by the group's blocks (size groups only). */
  size: number | null;
  /**
   * The first pointer-sized value that leads into a loaded image (a C++ object's vtable): the one every block of a
   * size group shares; for a stack group the one more than half of its blocks hold, else null.
   */
  typePointer: Address | null;
  allocations: number;
  bytes: number;
  /** The first block of the group met in the walk, and its size. */
  example: Address;
  exampleSize: number;
}

/** Says whether a value lies inside a loaded image (pointers.ts ModuleIndex.find). */
export type InImage = (value: Address) => boolean;

/** The block's first pointer when it leads into a loaded image: what `Type` names. */
export function typePointerOf(block: HeapBlock, inImage: InImage): Address | null {
  const p = block.firstPointer;
  return p && !p.isNull && inImage(p) ? p : null;
}

export function sizeGroupKey(size: number, typePointer: Address | null): string {
  return "z:" + size.toString(16) + ":" + (typePointer ? typePointer.key : "-");
}

export function stackGroupKey(record: Address): string {
  return "s:" + record.key;
}

interface Building extends HeapGroup {
  /** Stack groups: how many blocks hold each type pointer. */
  types: Map<string, { pointer: Address; count: number }> | null;
}

/**
 * Groups blocks; largest Bytes first (then Allocations, then key, so equal groups keep one order run to run).
 * With `ust` false every block goes to a size group, even one that carries a record (the flag is what the user
 * set; a stray record on a heap created before the flag was cleared is not a stack the user asked for).
 */
export function groupBlocks(blocks: HeapBlock[], ust: boolean, inImage: InImage): HeapGroup[] {
  const groups = new Map<string, Building>();
  for (const block of blocks) {
    const type = typePointerOf(block, inImage);
    const record = ust && block.stackRecord && !block.stackRecord.isNull ? block.stackRecord : null;
    const key = record ? stackGroupKey(record) : sizeGroupKey(block.size, type);
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        stackRecord: record,
        size: record ? null : block.size,
        typePointer: record ? null : type,
        allocations: 0,
        bytes: 0,
        example: block.address,
        exampleSize: block.size,
        types: record ? new Map() : null,
      };
      groups.set(key, group);
    }
    group.allocations++;
    group.bytes += block.size;
    if (group.types && type) {
      const seen = group.types.get(type.key);
      if (seen) seen.count++;
      else group.types.set(type.key, { pointer: type, count: 1 });
    }
  }
  const list: HeapGroup[] = [];
  groups.forEach((g) => {
    let typePointer = g.typePointer;
    if (g.types) {
      g.types.forEach((t) => {
        if (t.count * 2 > g.allocations) typePointer = t.pointer;
      });
    }
    list.push({ key: g.key, stackRecord: g.stackRecord, size: g.size, typePointer, allocations: g.allocations, bytes: g.bytes, example: g.example, exampleSize: g.exampleSize });
  });
  return list.sort(byBytes);
}

export function byBytes(a: HeapGroup, b: HeapGroup): number {
  return b.bytes - a.bytes || b.allocations - a.allocations || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** What a baseline keeps of a group: its counts, by key. */
export interface GroupCounts {
  allocations: number;
  bytes: number;
}

export interface GroupGrowth {
  group: HeapGroup;
  deltaAllocations: number;
  deltaBytes: number;
}

/**
 * The groups whose bytes grew since `before` (a group absent then grew from zero), largest growth first. A group
 * that only gained allocations of equal total size did not grow in bytes and is left out: the question is memory.
 */
export function groupGrowth(before: Map<string, GroupCounts>, now: HeapGroup[]): { grown: GroupGrowth[]; shrunk: number; gone: number } {
  const grown: GroupGrowth[] = [];
  let shrunk = 0;
  const present = new Set<string>();
  for (const g of now) {
    present.add(g.key);
    const then = before.get(g.key);
    const deltaBytes = g.bytes - (then ? then.bytes : 0);
    const deltaAllocations = g.allocations - (then ? then.allocations : 0);
    if (deltaBytes > 0) grown.push({ group: g, deltaAllocations, deltaBytes });
    else if (deltaBytes < 0) shrunk++;
  }
  let gone = 0;
  before.forEach((_, key) => {
    if (!present.has(key)) gone++;
  });
  grown.sort((a, b) => b.deltaBytes - a.deltaBytes || b.deltaAllocations - a.deltaAllocations || byBytes(a.group, b.group));
  return { grown, shrunk, gone };
}

export function countsByKey(groups: HeapGroup[]): Map<string, GroupCounts> {
  const map = new Map<string, GroupCounts>();
  for (const g of groups) map.set(g.key, { allocations: g.allocations, bytes: g.bytes });
  return map;
}

/** Bytes per second over the target's own clock; null when the clock was unreadable or did not move. */
export function ratePerSecond(delta: number, seconds: number | null): number | null {
  return seconds !== null && isFinite(seconds) && seconds > 0 ? delta / seconds : null;
}
