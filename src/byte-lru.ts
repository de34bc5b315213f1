// A least-recently-used map bounded by a byte budget rather than a count: each value
// is stored with its size, and the oldest-used values go when the sum would pass it.
// A Map keeps insertion order, so moving a key to the end on use makes that order
// the order of use, and every operation is O(1) apart from the evictions it causes.

export interface ByteLru<K, V> {
  /** The value, now marked most recently used. */
  get(key: K): V | undefined;
  /** The value without marking it used. */
  peek(key: K): V | undefined;
  /** Stores (or replaces) a value of `bytes` size; false, storing nothing, when it alone exceeds the budget. */
  set(key: K, value: V, bytes: number): boolean;
  delete(key: K): void;
  readonly size: number;
  readonly bytes: number;
}

export function createByteLru<K, V>(budgetBytes: number): ByteLru<K, V> {
  const entries = new Map<K, { value: V; bytes: number }>();
  let used = 0;

  function remove(key: K) {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    used -= entry.bytes;
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    peek: (key) => entries.get(key)?.value,
    set(key, value, bytes) {
      remove(key);
      if (bytes > budgetBytes) return false;
      for (const oldest of entries.keys()) {
        if (used + bytes <= budgetBytes) break;
        remove(oldest);
      }
      entries.set(key, { value, bytes });
      used += bytes;
      return true;
    },
    delete: remove,
    get size() {
      return entries.size;
    },
    get bytes() {
      return used;
    },
  };
}
