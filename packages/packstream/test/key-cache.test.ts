import * as ps from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { KeyCache, keySlot } from '../src/key-cache';

// Every decoder interns short ASCII map keys in one cache shared by the whole program. A key is
// only ever returned for its own bytes: what other decoders put there, and keys that land in the
// same slot, must not leak into a map.
describe('map keys interned in the cache every decoder shares', () => {
  /** A deterministic pseudo-random ASCII key of 1..40 bytes (the interned sizes). */
  function key(seed: number): string {
    let x = seed * 2654435761;
    const len = 1 + (seed % 40);
    let s = '';
    for (let i = 0; i < len; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += String.fromCharCode(33 + (x % 94));
    }
    return s;
  }

  it('gives each decoder its own keys while many decoders take turns over 20,000 keys', () => {
    const enc = new ps.Encoder();
    const decoders = Array.from({ length: 4 }, () => new ps.Decoder());
    // 20,000 distinct keys for 4,096 slots: many share a slot and replace each other
    const keys = [...new Set(Array.from({ length: 20_000 }, (_, i) => key(i)))];
    expect(keys.length).toBeGreaterThan(19_000);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i + 3 <= keys.length; i += 3) {
        const map = { [keys[i]]: i, [keys[i + 1]]: i + 1, [keys[i + 2]]: i + 2 };
        const got = decoders[(i + round) % decoders.length].decode(enc.encode(map));
        expect(got).toEqual(map);
      }
    }
  });

  it('tells apart keys of the same length that differ in one byte, across decoders', () => {
    const enc = new ps.Encoder();
    const a = new ps.Decoder();
    const b = new ps.Decoder();
    for (let i = 0; i < 2000; i++) {
      const k = `key-${String(i).padStart(5, '0')}`;
      const other = `key-${String(i + 1).padStart(5, '0')}`;
      expect(a.decode(enc.encode({ [k]: 1 }))).toEqual({ [k]: 1 });
      expect(b.decode(enc.encode({ [other]: 2 }))).toEqual({ [other]: 2 });
      expect(Object.keys(a.decode(enc.encode({ [k]: 3, [other]: 4 })) as object)).toEqual([
        k,
        other,
      ]);
    }
  });

  it('does not intern keys that are not ASCII, and decodes them right', () => {
    const enc = new ps.Encoder();
    const a = new ps.Decoder();
    const b = new ps.Decoder();
    for (const k of ['é', 'ключ', '名前', 'a\u0000b', '😀x']) {
      expect(a.decode(enc.encode({ [k]: 1 }))).toEqual({ [k]: 1 });
      expect(b.decode(enc.encode({ [k]: 2 }))).toEqual({ [k]: 2 });
    }
  });
});

describe('KeyCache', () => {
  const ascii = (s: string) => new TextEncoder().encode(s);

  /** Two keys of the same length, the same but for their last byte, in the same slot. */
  function collision(): [string, string] {
    const seen = new Map<number, string>();
    for (let i = 0; ; i++) {
      const k = `k${i.toString(36).padStart(6, '0')}`;
      for (let c = 33; c < 127; c++) {
        const s = k + String.fromCharCode(c);
        const at = keySlot(ascii(s), 0, s.length);
        const other = seen.get(at);
        if (other !== undefined && other.slice(0, -1) === k) return [other, s];
        seen.set(at, s);
      }
      seen.clear();
    }
  }

  it('returns a key only for its own bytes, not for another key in its slot', () => {
    const [a, b] = collision();
    expect(a).not.toBe(b);
    expect(a.length).toBe(b.length);
    const cache = new KeyCache();
    cache.put(ascii(a), 0, a.length, a);
    expect(cache.get(ascii(a), 0, a.length)).toBe(a);
    expect(cache.get(ascii(b), 0, b.length)).toBeUndefined();
    cache.put(ascii(b), 0, b.length, b);
    expect(cache.get(ascii(b), 0, b.length)).toBe(b);
    expect(cache.get(ascii(a), 0, a.length)).toBeUndefined();
  });

  it('reads the key at its offset in a larger buffer', () => {
    const cache = new KeyCache();
    const bytes = ascii('xxnamexx');
    cache.put(bytes, 2, 4, 'name');
    expect(cache.get(ascii('name'), 0, 4)).toBe('name');
    expect(cache.get(bytes, 2, 4)).toBe('name');
    expect(cache.get(bytes, 1, 4)).toBeUndefined();
  });
});
