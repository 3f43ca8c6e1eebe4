// The full page heap (+hpa) of one page-heap handle: each busy allocation from the root's BusyNodesTable (an AVL
// tree of _DPH_HEAP_BLOCK nodes), checked against the _DPH_BLOCK_INFORMATION stamp before its user data. Facts:
// research/userheap-facts.md §6 (DbgHelpUtils dph_heap / dph_entry and HeapStat walk the same table; ReactOS
// heappage.c inserts &node->pUserAllocation as the AVL user data, after the node's _RTL_BALANCED_LINKS). One read per
// node and one per block (its information block and first pointer together): page heap is a debugging setting,
// and its nodes are scattered.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { heapWalkLimits } from "../core/limits";
import { messages } from "../core/messages";
import { pointer, u32 } from "../core/bytes";
import type { Target } from "../host/target";
import { DPH_ROOT_SIGNATURE, DPH_STAMP_BUSY, DPH_STAMP_FREED, pageHeapLayout } from "../layouts/heap";
import { HeapWalkOptions, HeapWalkPart } from "./heap-blocks";
import { isPlausibleUserAddress } from "./virtual-blocks";

export function walkPageHeap(target: Target, heap: Address, options: HeapWalkOptions): HeapWalkPart {
  const ps = target.pointerSize;
  const l = pageHeapLayout(ps);
  // Always built in (two dt dumps, no PDB check): said once per session as the other built-in layouts are.
  const provenance = { typeName: "_DPH_HEAP_ROOT", origin: "built-in" as const, description: "_DPH_HEAP_ROOT, _DPH_HEAP_BLOCK: " + l.label, guessed: false, variantLabel: ps === 8 ? "x64" : "x86" };
  const part: HeapWalkPart = { summary: { heap, type: "PageHeap", lfh: false, blocks: 0, bytes: 0, layout: l.label, builtInLayouts: [provenance] }, blocks: [], free: [], notWalked: [] };
  // The layouts are the two dt dumps' (§6): where a build differs, the debugger's own listing is the way out.
  const hint = messages.heapWalkPageHeapHint(heap.format(ps));
  const notWalked = (address: Address | null, reason: string) => {
    if (part.notWalked.length < heapWalkLimits.maxPartsNotWalkedPerHeap) part.notWalked.push({ heap, part: "page heap", address, reason: reason + hint });
  };
  const root = heap.add(0x1000);
  const rootBytes = target.memory.read(root, l.busyNodesTable + l.rightChild + ps, "_DPH_HEAP_ROOT");
  if (rootBytes instanceof Unreadable) {
    notWalked(root, "a full page heap (+hpa) whose root " + rootBytes.describe(ps));
    return part;
  }
  if (u32(rootBytes, l.rootSignature) !== DPH_ROOT_SIGNATURE) {
    notWalked(root, "a full page heap (+hpa) whose root has the signature 0x" + u32(rootBytes, l.rootSignature).toString(16) + ", not 0xffeeddcc");
    return part;
  }
  const pending: Address[] = [];
  const visited = new Set<string>();
  const first = pointer(rootBytes, l.busyNodesTable + l.rightChild, ps);
  if (!first.isNull) pending.push(first);
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (visited.size >= heapWalkLimits.maxPageHeapBlocks) {
      notWalked(node, "more than " + heapWalkLimits.maxPageHeapBlocks + " busy nodes (maxPageHeapBlocks): the table is taken as corrupt from here");
      break;
    }
    if (!isPlausibleUserAddress(node, ps)) {
      notWalked(null, "a BusyNodesTable link holds " + node.format(ps) + ", not an address in the process: that subtree is not walked");
      continue;
    }
    if (visited.has(node.key)) {
      notWalked(node, "the BusyNodesTable loops back to the node at " + node.format(ps) + ": walked once");
      continue;
    }
    visited.add(node.key);
    const bytes = target.memory.read(node, l.nodeSize, "_DPH_HEAP_BLOCK", false);
    if (bytes instanceof Unreadable) {
      notWalked(node, "the node " + bytes.describe(ps) + ": its subtree is not walked");
      continue;
    }
    for (const child of [pointer(bytes, l.rightChild, ps), pointer(bytes, l.leftChild, ps)]) if (!child.isNull) pending.push(child);
    const user = pointer(bytes, l.userAllocation, ps);
    const size = ps === 8 ? u32(bytes, l.userRequestedSize) + u32(bytes, l.userRequestedSize + 4) * 0x100000000 : u32(bytes, l.userRequestedSize);
    const trace = pointer(bytes, l.stackTrace, ps);
    if (!isPlausibleUserAddress(user, ps) || user.lo < l.blockInfoSize) {
      notWalked(node, "the node's pUserAllocation " + user.format(ps) + " is not an address in the process");
      continue;
    }
    // The stamp before the user data says busy (0xABCDBBBB) or freed and waiting in the delay queue (0xABCDBBBA);
    // its RequestedSize must be the node's (HeapStat, DbgHelpUtils check the stamps).
    const info = target.memory.read(user.subtract(l.blockInfoSize), l.blockInfoSize + ps, "_DPH_BLOCK_INFORMATION", false);
    if (info instanceof Unreadable) {
      notWalked(user, "the block information before " + user.format(ps) + " " + info.describe(ps));
      continue;
    }
    const stamp = u32(info, 0);
    const requested = u32(info, l.blockInfoRequestedSize);
    if (stamp === DPH_STAMP_FREED) {
      if (options.includeFree) part.free.push({ address: user, size, heap, kind: "PageHeap" });
      continue;
    }
    if (stamp !== DPH_STAMP_BUSY || requested !== size) {
      notWalked(user, "the block at " + user.format(ps) + " has StartStamp 0x" + stamp.toString(16) + " and RequestedSize 0x" + requested.toString(16) +
        " (node: 0x" + size.toString(16) + "), not a busy page-heap block's");
      continue;
    }
    const firstPointer = options.readFirstPointer && size >= ps ? pointer(info, l.blockInfoSize, ps) : null;
    part.blocks.push({
      address: user,
      size,
      heap,
      kind: "PageHeap",
      header: node,
      // An _RTL_STACK_TRACE_ENTRY in RtlpStackTraceDataBase (§6), read by the same TraceReader (Depth, frames).
      stackRecord: trace.isNull || !isPlausibleUserAddress(trace, ps) ? null : trace,
      firstPointer: firstPointer && !firstPointer.isNull ? firstPointer : null,
    });
    part.summary.blocks++;
    part.summary.bytes += size;
    if (options.onProgress && part.blocks.length % 4096 === 0) options.onProgress(part.blocks.length);
  }
  return part;
}
