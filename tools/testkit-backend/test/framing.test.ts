import { describe, expect, it } from 'vitest';
import { frameResponse, RequestReader, type TestkitRequest } from '../src/framing.js';
import { JsonError, parseJson, stringifyJson } from '../src/json.js';

describe('JSON with exact integers', () => {
  it('parses unsafe integers as bigint and safe ones as numbers', () => {
    expect(parseJson('[9223372036854775807, -9223372036854775808, 42, 1.0, 2e3]')).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
      42,
      1,
      2000,
    ]);
  });

  it('writes bigint as digits and reads back the same value', () => {
    const v = { a: 9007199254740993n, b: [1.5, 'x', null, true], c: { d: -1n } };
    expect(stringifyJson(v)).toBe('{"a":9007199254740993,"b":[1.5,"x",null,true],"c":{"d":-1}}');
    expect(parseJson(stringifyJson(v))).toEqual({ ...v, c: { d: -1 } }); // safe again: a number
  });

  it("reads Python's NaN and Infinity and writes them back", () => {
    expect(parseJson('[NaN, Infinity, -Infinity]')).toEqual([NaN, Infinity, -Infinity]);
    expect(stringifyJson([NaN, -Infinity])).toBe('[NaN,-Infinity]');
  });

  it('decodes escapes and keeps __proto__ an ordinary key', () => {
    const o = parseJson('{"__proto__": {"x": 1}, "s": "a\\u00e9\\n\\"b\\""}') as any;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__', 's']);
    expect(o.s).toBe('aé\n"b"');
  });

  it('refuses malformed text and overly deep nesting with a JsonError', () => {
    for (const bad of ['{', '[1,]', '{"a" 1}', '"\\x"', '01', 'tru', '[1] 2'])
      expect(() => parseJson(bad), bad).toThrow(JsonError);
    expect(() => parseJson('['.repeat(600) + ']'.repeat(600))).toThrow(/deeper/);
  });
});

describe('testkit framing', () => {
  it('reassembles requests split at every byte and skips blank lines between them', () => {
    const text =
      '#request begin\n{"name": "A", "data": {"n": 1}}\n#request end\n\n' +
      '#request begin\r\n{"name": "B"}\r\n#request end\n';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got: TestkitRequest[] = [];
      const errors: string[] = [];
      const r = new RequestReader(
        (q) => got.push(q),
        (e) => errors.push(e),
      );
      r.push(bytes.subarray(0, cut));
      r.push(bytes.subarray(cut));
      expect(got).toEqual([
        { name: 'A', data: { n: 1 } },
        { name: 'B', data: {} },
      ]);
      expect(errors).toEqual([]);
    }
  });

  it('reports a request without a name, then goes on', () => {
    const got: TestkitRequest[] = [];
    const errors: string[] = [];
    const r = new RequestReader(
      (q) => got.push(q),
      (e) => errors.push(e),
    );
    r.push(
      new TextEncoder().encode(
        '#request begin\n[1]\n#request end\n#request begin\n{"name":"C"}\n#request end\n',
      ),
    );
    expect(errors).toHaveLength(1);
    expect(got.map((q) => q.name)).toEqual(['C']);
  });

  it('frames a response on three lines', () => {
    expect(frameResponse({ name: 'Driver', data: { id: 1 } })).toBe(
      '#response begin\n{"name":"Driver","data":{"id":1}}\n#response end\n',
    );
  });
});
