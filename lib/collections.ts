/** Grouping, and a set of strings looked up by a hash: the collection helpers the project needs more than once. */

/** Items grouped by key, groups and items in first-seen order. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** FNV-1a of a string's UTF-16 code units: 32 bits, computed the same on every thread. */
export function stringHash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * stringHash32 of the text whose code units are the bytes `bytes[start, end)` (ASCII or Latin-1 text read byte for
 * byte), computed from the bytes without making the string.
 */
export function bytesHash32(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A set of strings keyed by their stringHash32, given when another thread computed it already, and compared exactly
 * on a shared hash. A string may be given as a slice of a longer one (addSlice), which is kept by reference, so that
 * hundreds of thousands of request ids read from other threads, each chunk's ids in one string, cost no string each.
 * Written by hand, an open-addressing table in typed arrays: a Map of hundreds of thousands of strings (or of their
 * hashes) took the analyzer's main thread 40 ms and most of its garbage collection (200,000 records).
 */
export class HashedStringSet {
  /** Each slot: 1 + the index of the entry there, or 0 for none. Never more than half full. */
  private slots = new Int32Array(1024);
  // The entries, by index: hash, the string they are a slice of (an index into `sources`), start and end.
  private hashes = new Int32Array(512);
  private sourceOf = new Int32Array(512);
  private starts = new Int32Array(512);
  private ends = new Int32Array(512);
  private readonly sources: string[] = [];
  private size = 0;

  /** Adds `text`; false when it was there already. */
  add(text: string, hash: number = stringHash32(text)): boolean {
    return this.addSlice(text, 0, text.length, hash);
  }

  /** Adds `source.slice(start, end)`, whose stringHash32 is `hash`, without making that string; false when there. */
  addSlice(source: string, start: number, end: number, hash: number): boolean {
    const key = hash | 0;
    const mask = this.slots.length - 1;
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
      const entry = (this.slots[slot] as number) - 1;
      if (entry === -1) {
        this.insert(slot, key, source, start, end);
        return true;
      }
      if (this.hashes[entry] === key && this.sameAs(entry, source, start, end)) return false;
    }
  }

  private sameAs(entry: number, source: string, start: number, end: number): boolean {
    const other = this.sources[this.sourceOf[entry] as number] as string;
    const otherStart = this.starts[entry] as number;
    if ((this.ends[entry] as number) - otherStart !== end - start) return false;
    if (other === source && otherStart === start) return true;
    for (let i = 0; i < end - start; i++) {
      if (other.charCodeAt(otherStart + i) !== source.charCodeAt(start + i)) return false;
    }
    return true;
  }

  private insert(slot: number, key: number, source: string, start: number, end: number): void {
    if (this.sources[this.sources.length - 1] !== source) this.sources.push(source);
    const entry = this.size++;
    if (entry === this.hashes.length) this.growEntries();
    this.hashes[entry] = key;
    this.sourceOf[entry] = this.sources.length - 1;
    this.starts[entry] = start;
    this.ends[entry] = end;
    this.slots[slot] = entry + 1;
    if (2 * this.size > this.slots.length) this.growSlots();
  }

  private growEntries(): void {
    const grow = (from: Int32Array) => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.hashes = grow(this.hashes);
    this.sourceOf = grow(this.sourceOf);
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}
