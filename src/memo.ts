// A bounded memo for values that never change for their key (a formatted date, an
// avatar's address): kept in a map that is emptied when it reaches its limit, so memory
// stays bounded without an LRU's bookkeeping on every read.
export function boundedMemo<V>(limit: number): (key: string, make: () => V) => V {
  const kept = new Map<string, V>();
  return (key, make) => {
    let value = kept.get(key);
    if (value === undefined) {
      if (kept.size >= limit) kept.clear();
      kept.set(key, (value = make()));
    }
    return value;
  };
}
