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
 * A set of strings keyed by their stringHash32, given when another thread computed it already, and compared exactly
 * on a shared hash. A Map keyed by small integers is several times faster than a Set of strings that have not been
 * hashed yet, which is what a set of hundreds of thousands of request ids read from other threads is.
 */
export class HashedStringSet {
  private readonly byHash = new Map<number, string | string[]>();

  /** Adds `text`; false when it was there already. */
  add(text: string, hash: number = stringHash32(text)): boolean {
    // 30 bits: a small integer, which V8 keeps unboxed.
    const key = hash & 0x3fffffff;
    const there = this.byHash.get(key);
    if (there === undefined) {
      this.byHash.set(key, text);
      return true;
    }
    if (typeof there === 'string') {
      if (there === text) return false;
      this.byHash.set(key, [there, text]);
      return true;
    }
    if (there.includes(text)) return false;
    there.push(text);
    return true;
  }
}
