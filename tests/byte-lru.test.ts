import { describe, expect, it } from 'vitest';
import { createByteLru } from '../src/byte-lru.js';

describe('byte-bounded LRU', () => {
  it('keeps the total within the budget by dropping the least recently used first', () => {
    const lru = createByteLru<string, string>(100);
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now the most recently used
    lru.set('c', 'C', 40);
    expect(lru.peek('b')).toBeUndefined();
    expect([lru.peek('a'), lru.peek('c')]).toEqual(['A', 'C']);
    expect(lru.bytes).toBe(80);
    expect(lru.size).toBe(2);
  });

  it('replaces a key with its new size, and refuses a value larger than the whole budget', () => {
    const lru = createByteLru<string, string>(100);
    lru.set('a', 'A', 30);
    lru.set('a', 'A2', 70);
    expect(lru.bytes).toBe(70);
    expect(lru.set('huge', 'H', 101)).toBe(false);
    expect(lru.peek('huge')).toBeUndefined();
    expect(lru.peek('a')).toBe('A2');
  });

  it('peek does not refresh, delete frees the bytes', () => {
    const lru = createByteLru<string, number>(10);
    lru.set('a', 1, 5);
    lru.set('b', 2, 5);
    lru.peek('a');
    lru.set('c', 3, 5);
    expect(lru.peek('a')).toBeUndefined();
    lru.delete('b');
    expect(lru.bytes).toBe(5);
    expect(lru.size).toBe(1);
  });
});
