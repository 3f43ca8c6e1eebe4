// Totals of outstanding allocations by a key, largest first, and the sign of an allocation wrapper.

export interface LeakLike {
  Size: number;
  Tag: string;
  CallerSymbol: string;
  CallerFunction: string;
}

export interface Group {
  key: string;
  allocations: number;
  bytes: number;
}

export function groupBy<T extends LeakLike>(items: T[], key: (item: T) => string): Group[] {
  const map = new Map<string, Group>();
  for (const item of items) {
    const k = key(item);
    let g = map.get(k);
    if (!g) {
      g = { key: k, allocations: 0, bytes: 0 };
      map.set(k, g);
    }
    g.allocations++;
    g.bytes += item.Size;
  }
  const groups: Group[] = [];
  map.forEach((g) => groups.push(g));
  return groups.sort((a, b) => b.bytes - a.bytes || b.allocations - a.allocations || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `drv!MyAlloc+0x21` -> `drv!MyAlloc`; a bare address stays as it is. */
export function functionOf(symbol: string): string {
  return symbol.replace(/\+0x[0-9a-fA-F]+$/, "");
}

/** A wrapper shows as one call site behind most allocations: at least this many, and at least half. */
export const WRAPPER_MIN_ALLOCATIONS = 10;

export function likelyWrapper(byCaller: Group[], total: number): Group | null {
  const top = byCaller.reduce<Group | null>((best, g) => (!best || g.allocations > best.allocations ? g : best), null);
  if (!top || top.allocations < WRAPPER_MIN_ALLOCATIONS || top.allocations * 2 < total) return null;
  return top;
}
