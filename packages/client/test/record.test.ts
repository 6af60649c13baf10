import { describe, expect, it } from 'vitest';
import { BoltError, Record } from '../src/index.js';

describe('Record', () => {
  const r = new Record<{ a: number; b: string }>(['a', 'b'], [1, 'x']);

  it('gets by name and by index', () => {
    expect(r.get('a')).toBe(1);
    expect(r.get('b')).toBe('x');
    expect(r.get(1)).toBe('x');
    expect(r.length).toBe(2);
    expect(r.has('a')).toBe(true);
    expect(r.has('z')).toBe(false);
    expect(r.has(1)).toBe(true);
    expect(r.has(2)).toBe(false);
  });

  it('unknown keys and indexes are usage errors that name the columns', () => {
    const e1 = (() => {
      try {
        r.get('z' as 'a');
      } catch (e) {
        return e;
      }
    })() as BoltError;
    expect(BoltError.isInstance(e1)).toBe(true);
    expect(e1.kind).toBe('usage');
    expect(e1.message).toBe('record has no column "z"; its columns are ["a","b"]');
    expect(() => r.get(2)).toThrow(/no column 2; it has 2 column/);
    expect(() => r.get(-1)).toThrow(/no column -1/);
  });

  it('converts to an object, JSON and iterates', () => {
    expect(r.toObject()).toEqual({ a: 1, b: 'x' });
    expect(JSON.stringify(r)).toBe('{"a":1,"b":"x"}');
    expect([...r.entries()]).toEqual([
      ['a', 1],
      ['b', 'x'],
    ]);
    expect([...r.values()]).toEqual([1, 'x']);
    expect([...r]).toEqual([1, 'x']);
    const seen: [unknown, string][] = [];
    r.forEach((v, k) => {
      seen.push([v, k]);
    });
    expect(seen).toEqual([
      [1, 'a'],
      ['x', 'b'],
    ]);
  });

  it('a "__proto__" column is an ordinary key', () => {
    const p = new Record(['__proto__'], [5]);
    const o = p.toObject() as { [k: string]: unknown };
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toBe(5);
    expect(p.get('__proto__')).toBe(5);
  });
});
