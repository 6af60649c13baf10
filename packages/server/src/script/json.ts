/**
 * The JSON of message fields, read the way testkit's stub server reads it (Python's `json`):
 * integers stay apart from floats (`1` is not `1.0`), `NaN`/`Infinity`/`-Infinity` are
 * accepted, and several values may follow each other on one line. Objects keep their entries
 * in order as a list, so a key such as `__proto__` is data, never a prototype.
 */
import type { Fail } from './errors.js';

export type Json =
  | null
  | boolean
  | string
  | { readonly int: bigint }
  | { readonly float: number }
  | Json[]
  | JsonObject;

export interface JsonObject {
  readonly entries: [string, Json][];
}

export const isInt = (j: Json): j is { int: bigint } =>
  typeof j === 'object' && j !== null && 'int' in j;
export const isFloat = (j: Json): j is { float: number } =>
  typeof j === 'object' && j !== null && 'float' in j;
export const isObject = (j: Json): j is JsonObject =>
  typeof j === 'object' && j !== null && !Array.isArray(j) && 'entries' in j;

/** Nesting deeper than this is refused (a line of `[[[[…` must not overflow the stack). */
const MAX_DEPTH = 64;

const LITERALS: readonly (readonly [string, Json])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', { float: Number.NaN }],
  ['Infinity', { float: Number.POSITIVE_INFINITY }],
  ['-Infinity', { float: Number.NEGATIVE_INFINITY }],
];

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Reads the whitespace-separated JSON values of one line. */
export function readJsonValues(text: string, line: number, fail: Fail): Json[] {
  const reader = new JsonReader(text, line, fail);
  const out: Json[] = [];
  while (!reader.atEnd()) out.push(reader.value(0));
  return out;
}

class JsonReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly fail: Fail,
  ) {}

  private error(message: string): never {
    return this.fail(
      'BAD_VALUE',
      this.line,
      `${message} at column ${this.pos + 1} of the fields: ${this.text}`,
    );
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }

  value(depth: number): Json {
    this.ws();
    if (depth >= MAX_DEPTH) this.error(`values nested deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.error(c === undefined ? 'expected a value' : `unexpected "${c}"`);
  }

  private number(): Json {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.error('malformed number');
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return { int: BigInt(m[0]) };
    return { float: Number(m[0]) };
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.error('unterminated string');
      if (c === '"') return out;
      if (c < ' ') this.error('control character in a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.error('bad \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.error(`bad escape "\\${e ?? ''}"`);
      }
    }
  }

  private array(depth: number): Json[] {
    this.pos++;
    const out: Json[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.error('expected "," or "]" in a list');
    }
  }

  private object(depth: number): JsonObject {
    this.pos++;
    const entries: [string, Json][] = [];
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { entries };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.error('expected a string key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') this.error('expected ":" after a key');
      const value = this.value(depth + 1);
      // as in Python's json, a repeated key keeps its last value
      const at = entries.findIndex(([k]) => k === key);
      if (at >= 0) entries.splice(at, 1);
      entries.push([key, value]);
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return { entries };
      if (c !== ',') this.error('expected "," or "}" in a map');
    }
  }
}
