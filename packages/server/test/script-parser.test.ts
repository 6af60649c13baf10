import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  parseScript,
  type Script,
  type ScriptBlock,
  ScriptSyntaxError,
  type ScriptValue,
} from '../src/script-parser.js';

const recorded = fileURLToPath(new URL('../../client/test/recorded/', import.meta.url));
const scripts = readdirSync(recorded).filter((f) => f.endsWith('.script'));

/** The fields of the first message of the first client line of a one-line script body. */
function fieldsOf(line: string, version = '4.4'): ScriptValue[] {
  const script = parseScript(`!: BOLT ${version}\n${line}\n`);
  const block = script.body[0];
  if (block.kind === 'client' || block.kind === 'auto') return block.message.fields;
  if (block.kind === 'server' && block.actions[0].type === 'message') {
    return block.actions[0].message.fields;
  }
  throw new Error(`unexpected block ${block.kind}`);
}

function syntaxError(text: string): ScriptSyntaxError {
  try {
    parseScript(text, { source: 'bad.script' });
  } catch (e) {
    if (ScriptSyntaxError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ScriptSyntaxError');
}

const kinds = (blocks: readonly ScriptBlock[]): string[] => blocks.map((b) => b.kind);

describe('parseScript on the recorded scripts', () => {
  it('finds the recorded scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of scripts) {
    it(`${file} parses and names the testkit script it is modelled on`, () => {
      const text = readFileSync(`${recorded}${file}`, 'utf8');
      expect(text.split('\n')[0]).toMatch(/^# modelled on testkit tests\/stub\/\S+\.script/);
      const script = parseScript(text, { source: file });
      const m = /-v(\d)x?(\d)?/.exec(file);
      if (m) expect(script.version).toEqual({ major: Number(m[1]), minor: Number(m[2] ?? 0) });
      expect(script.body.length).toBeGreaterThan(0);
    });
  }

  it('reads blocks, continuation lines and auto lines (fetch-size.script)', () => {
    const script = parseScript(readFileSync(`${recorded}fetch-size.script`, 'utf8'));
    expect(script.version).toEqual({ major: 4, minor: 4 });
    expect(kinds(script.body)).toEqual([
      'auto',
      'repeat',
      'client',
      'server',
      'client',
      'server',
      'client',
      'server',
      'client',
      'server',
      'repeat',
      'optional',
    ]);
    const pull = script.body[4];
    expect(pull.kind === 'client' && pull.message).toMatchObject({ name: 'PULL', line: 9 });
    const batch = script.body[5];
    expect(
      batch.kind === 'server' && batch.actions.map((a) => a.type === 'message' && a.message.name),
    ).toEqual(['RECORD', 'RECORD', 'SUCCESS']);
  });

  it('reads alternatives nested in an optional block (error-reset.script)', () => {
    const script = parseScript(readFileSync(`${recorded}error-reset.script`, 'utf8'));
    const optional = script.body.find(
      (b) => b.kind === 'optional' && b.body[0].kind === 'alternatives',
    );
    expect(optional).toBeDefined();
    const alt = (optional as Extract<ScriptBlock, { kind: 'optional' }>).body[0];
    expect(alt.kind === 'alternatives' && alt.branches.map(kinds)).toEqual([
      ['client', 'server'],
      ['client', 'server'],
    ]);
  });

  it('reads the head directives', () => {
    const s: Script = parseScript(
      '!: BOLT 5.8\n!: MANIFEST\n!: ALLOW RESTART\n!: AUTO RESET\n!: HANDSHAKE 00 00 08 05\n!: HANDSHAKE_DELAY 0.25\nC: RESET\n',
    );
    expect(s.version).toEqual({ major: 5, minor: 8 });
    expect(s.manifest).toBe(true);
    expect(s.allowRestart).toBe(true);
    expect(s.allowConcurrent).toBe(false);
    expect([...s.autoMessages]).toEqual(['RESET']);
    expect([...(s.handshake ?? [])]).toEqual([0, 0, 8, 5]);
    expect(s.handshakeDelayMs).toBe(250);
    expect(parseScript('!: BOLT 4\nC: RESET\n').version).toEqual({ major: 4, minor: 0 });
  });

  it('reads server commands', () => {
    const s = parseScript(
      '!: BOLT 4.4\nC: RESET\nS: <NOOP>\n   <RAW> 00 00 0A\n   <SLEEP> 0.5\n   <ASSERT ORDER>\n   <EXIT>\n',
    );
    const block = s.body[1];
    expect(block.kind === 'server' && block.actions).toEqual([
      { type: 'noop', line: 3 },
      { type: 'raw', bytes: Uint8Array.from([0, 0, 10]), line: 4 },
      { type: 'sleep', ms: 500, line: 5 },
      { type: 'assertOrder', ms: 1000, line: 6 },
      { type: 'exit', line: 7 },
    ]);
  });

  it('applies substitutions before parsing', () => {
    const s = parseScript('!: BOLT #VERSION#\nC: RUN "#QUERY#" {} {}\n', {
      substitutions: { '#VERSION#': '5.0', '#QUERY#': 'RETURN 1' },
    });
    expect(s.version).toEqual({ major: 5, minor: 0 });
    expect(fieldsOf('C: RUN "RETURN 1" {} {}', '5.0')).toEqual((s.body[0] as any).message.fields);
  });
});

describe('parseScript values', () => {
  it('keeps integers apart from floats, exactly', () => {
    expect(fieldsOf('C: RUN 1 1.0 -7 1e3 {"Z": "9007199254740993"} {"R": "2"}')).toEqual([
      { kind: 'int', value: 1n },
      { kind: 'float', value: 1 },
      { kind: 'int', value: -7n },
      { kind: 'float', value: 1000 },
      { kind: 'int', value: 9007199254740993n },
      { kind: 'float', value: 2 },
    ]);
  });

  it('reads a bare integer beyond 32 bits as a float, as testkit does', () => {
    expect(fieldsOf('C: RUN 4294967296')).toEqual([{ kind: 'float', value: 4294967296 }]);
  });

  it('reads special floats, strings, bytes, booleans and null', () => {
    expect(
      fieldsOf(
        'S: SUCCESS {"R": "NaN"} {"R": "-Infinity"} {"U": "**"} {"#": "0A ff"} {"#": [1, 2]} {"?": true} null "x\\u00e9"',
      ),
    ).toEqual([
      { kind: 'float', value: Number.NaN },
      { kind: 'float', value: -Infinity },
      { kind: 'string', value: '**' },
      { kind: 'bytes', value: Uint8Array.from([10, 255]) },
      { kind: 'bytes', value: Uint8Array.from([1, 2]) },
      { kind: 'bool', value: true },
      { kind: 'null' },
      { kind: 'string', value: 'xé' },
    ]);
  });

  it('reads wildcards and escapes in client lines only', () => {
    expect(fieldsOf('C: RUN "*" {"Z": "*"} {"{}": "*"} "\\\\*" "a\\\\\\\\b"')).toEqual([
      { kind: 'any' },
      { kind: 'anyOf', type: 'int' },
      { kind: 'anyOf', type: 'map' },
      { kind: 'string', value: '*' },
      { kind: 'string', value: 'a\\b' },
    ]);
    // in a server line "*" is just a string
    expect(fieldsOf('S: SUCCESS "*"')).toEqual([{ kind: 'string', value: '*' }]);
  });

  it('reads optional and unordered map keys in client lines', () => {
    const [map] = fieldsOf(
      'C: BEGIN {"[db]": "*", "bookmarks{}": ["a", "b"], "[x{}]": [], "\\\\[y\\\\]": 1}',
    );
    expect(
      map.kind === 'map' &&
        map.entries.map(({ key, optional, unordered }) => ({ key, optional, unordered })),
    ).toEqual([
      { key: 'db', optional: true, unordered: false },
      { key: 'bookmarks', optional: false, unordered: true },
      { key: 'x', optional: true, unordered: true },
      { key: '[y]', optional: false, unordered: false },
    ]);
    // a server line sends keys as written
    const [sent] = fieldsOf('S: SUCCESS {"[db]": 1}');
    expect(sent.kind === 'map' && sent.entries[0].key).toBe('[db]');
  });

  it('reads every temporal form', () => {
    expect(
      fieldsOf(
        'S: RECORD [{"T": "2022-06-07"}, {"T": "11:52:05.000000123+02:00"}, {"T": "11:52"}, {"T": "2022-06-07T11:52:05Z"}, {"T": "2022-06-07T11:52:05-01:30[America/St_Johns]"}, {"T": "2022-06-07T11:52:05.5"}, {"T": "P1Y2M3DT4H5M6.000000007S"}, {"T": "PT0S"}]',
      ),
    ).toEqual([
      {
        kind: 'list',
        items: [
          { kind: 'date', year: 2022, month: 6, day: 7 },
          { kind: 'time', hour: 11, minute: 52, second: 5, nanosecond: 123, offsetSeconds: 7200 },
          { kind: 'localTime', hour: 11, minute: 52, second: 0, nanosecond: 0 },
          {
            kind: 'dateTime',
            year: 2022,
            month: 6,
            day: 7,
            hour: 11,
            minute: 52,
            second: 5,
            nanosecond: 0,
            offsetSeconds: 0,
          },
          {
            kind: 'dateTime',
            year: 2022,
            month: 6,
            day: 7,
            hour: 11,
            minute: 52,
            second: 5,
            nanosecond: 0,
            offsetSeconds: -5400,
            zoneId: 'America/St_Johns',
          },
          {
            kind: 'localDateTime',
            year: 2022,
            month: 6,
            day: 7,
            hour: 11,
            minute: 52,
            second: 5,
            nanosecond: 500_000_000,
          },
          { kind: 'duration', months: 14, days: 3, seconds: 14706, nanoseconds: 7 },
          { kind: 'duration', months: 0, days: 0, seconds: 0, nanoseconds: 0 },
        ],
      },
    ]);
  });

  it('reads points with and without SRID', () => {
    expect(
      fieldsOf(
        'S: RECORD {"@": "SRID=4326;POINT(1.5 -2)"} {"@": "POINT(1 2)"} {"@": "POINT(1 2 3)"}',
      ),
    ).toEqual([
      { kind: 'point', srid: 4326, x: 1.5, y: -2 },
      { kind: 'point', srid: 7203, x: 1, y: 2 },
      { kind: 'point', srid: 9157, x: 1, y: 2, z: 3 },
    ]);
  });

  it('reads graph values with element ids from Bolt 5 and without before', () => {
    const [n4] = fieldsOf('S: RECORD {"()": [1, ["L"], {"a": 1}]}', '4.4');
    expect(n4).toEqual({
      kind: 'node',
      id: 1n,
      labels: ['L'],
      properties: [
        { key: 'a', value: { kind: 'int', value: 1n }, optional: false, unordered: false },
      ],
    });
    const [n5] = fieldsOf('S: RECORD {"()": [1, ["L"], {}, "e1"]}', '5.0');
    expect(n5).toMatchObject({ kind: 'node', elementId: 'e1' });
    // the version suffix picks the other flavour
    const [nv1] = fieldsOf('S: RECORD {"()v1": [1, [], {}]}', '5.0');
    expect(nv1).toMatchObject({ kind: 'node', id: 1n });
    const [back] = fieldsOf('S: RECORD {"<-": [7, 1, "T", 2, {}, "r7", "e1", "e2"]}', '5.0');
    expect(back).toMatchObject({
      startId: 2n,
      endId: 1n,
      startElementId: 'e2',
      endElementId: 'e1',
    });
    const [path] = fieldsOf(
      'S: RECORD {"..": [{"()": [1, [], {}]}, {"->": [9, 1, "T", 2, {}]}, {"()": [2, [], {}]}]}',
    );
    expect(path.kind === 'path' && [path.nodes.length, path.relationships.length]).toEqual([2, 1]);
  });
});

describe('parseScript errors', () => {
  it('requires the Bolt version', () => {
    const e = syntaxError('C: RESET\n');
    expect(e.code).toBe('MISSING_VERSION');
    expect(e.message).toContain('!: BOLT');
  });

  it('rejects unknown and malformed directives with their line', () => {
    expect(syntaxError('!: BOLT 4.4\n!: FROB\nC: RESET\n')).toMatchObject({
      code: 'BAD_DIRECTIVE',
      line: 2,
    });
    expect(syntaxError('!: BOLT four\n')).toMatchObject({ code: 'BAD_DIRECTIVE', line: 1 });
    expect(syntaxError('!: BOLT 4.9\n')).toMatchObject({ code: 'BAD_DIRECTIVE', line: 1 });
    expect(syntaxError('!: BOLT 4.4\n!: BOLT 5.0\n')).toMatchObject({
      code: 'BAD_DIRECTIVE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\n!: HANDSHAKE 0G\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\n!: AUTO RESET\n')).toMatchObject({
      code: 'BAD_DIRECTIVE',
      line: 3,
    });
  });

  it('names the file and line in the message', () => {
    const e = syntaxError('!: BOLT 4.4\nC: RUN {"a": }\n');
    expect(e.message).toMatch(/^bad\.script:2: /);
    expect(e.message).toContain('column');
    expect(e).toMatchObject({ code: 'BAD_VALUE', line: 2, source: 'bad.script' });
  });

  it('rejects unbalanced blocks, pointing at the opener', () => {
    expect(syntaxError('!: BOLT 4.4\n{?\nC: RESET\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\n{?\nC: RESET\n*}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 4,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\n}}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\n----\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\n{{\nC: RESET\n----\n}}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 5,
    });
  });

  it("enforces testkit's rule that skippable blocks start with a client line", () => {
    expect(syntaxError('!: BOLT 4.4\n{?\nS: SUCCESS {}\n?}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\n{*\nC: RESET\n*}\nS: SUCCESS {}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 5,
    });
    expect(syntaxError('!: BOLT 4.4\n{{\nS: SUCCESS {}\n----\nC: RESET\n}}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
  });

  it('rejects the testkit constructs it does not support', () => {
    expect(syntaxError('!: BOLT 4.4\n{{\nC: RESET\n++++\nC: RESET\n}}\n')).toMatchObject({
      code: 'UNSUPPORTED',
      line: 4,
    });
    expect(syntaxError('!: BOLT 4.4\nPY: x = 1\n')).toMatchObject({ code: 'UNSUPPORTED', line: 2 });
    expect(syntaxError('!: BOLT 4.4\n!: PY x = 1\n')).toMatchObject({
      code: 'UNSUPPORTED',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nIF: x == 1\nC: RESET\n')).toMatchObject({
      code: 'UNSUPPORTED',
      line: 2,
    });
  });

  it('rejects messages that do not exist in the version', () => {
    expect(syntaxError('!: BOLT 3.0\nC: PULL {"n": 1}\n')).toMatchObject({
      code: 'UNKNOWN_MESSAGE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: PULL_ALL\n')).toMatchObject({
      code: 'UNKNOWN_MESSAGE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 5.0\nA: LOGON {}\n')).toMatchObject({
      code: 'UNKNOWN_MESSAGE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\nS: HELLO {}\n')).toMatchObject({
      code: 'UNKNOWN_MESSAGE',
      line: 3,
    });
  });

  it('rejects malformed lines and values', () => {
    expect(syntaxError('!: BOLT 4.4\nRUN "x"\n')).toMatchObject({ code: 'BAD_LINE', line: 2 });
    expect(syntaxError('!: BOLT 4.4\n*: RESET\n   RESET\n')).toMatchObject({
      code: 'BAD_LINE',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nC: run\n')).toMatchObject({ code: 'BAD_LINE', line: 2 });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\nS: <BOOM>\n')).toMatchObject({
      code: 'BAD_LINE',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\nS: <SLEEP> -1\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN "a""b"\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"a": 1, "a": 2}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN "abc\n')).toMatchObject({ code: 'BAD_VALUE', line: 2 });
    expect(syntaxError('!: BOLT 4.4\nC: RESET\nS: SUCCESS {"Z": "*"}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"Z": "1.5e3x"}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"T": "2022-13"}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(
      syntaxError('!: BOLT 4.4\nC: RUN {"T": "2022-06-07T10:00[Europe/Paris]"}\n'),
    ).toMatchObject({
      code: 'BAD_VALUE',
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"@": "POINT(1)"}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 5.0\nC: RUN {"()": [1, [], {}]}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(
      syntaxError(
        '!: BOLT 4.4\nC: RUN {"..": [{"()": [1, [], {}]}, {"->": [9, 5, "T", 6, {}]}, {"()": [2, [], {}]}]}\n',
      ),
    ).toMatchObject({ code: 'BAD_VALUE', line: 2 });
  });

  it('rejects typed values whose content has the wrong shape (found by fuzzing)', () => {
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"{}": []}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
    expect(syntaxError('!: BOLT 4.4\nC: RUN {"()": [1, {}, {}]}\n')).toMatchObject({
      code: 'BAD_VALUE',
    });
    // an empty key is a plain map, not a sigil
    expect(fieldsOf('C: RUN {"": {"": null}}')).toEqual([
      {
        kind: 'map',
        entries: [
          {
            key: '',
            value: {
              kind: 'map',
              entries: [{ key: '', value: { kind: 'null' }, optional: false, unordered: false }],
            },
            optional: false,
            unordered: false,
          },
        ],
      },
    ]);
  });

  it('bounds nesting depth', () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect(syntaxError(`!: BOLT 4.4\nC: RUN ${deep}\n`)).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
  });
});
