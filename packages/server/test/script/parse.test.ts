import { readdirSync, readFileSync } from 'node:fs';
import {
  Date as BoltDate,
  DateTime,
  Duration,
  Float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  type Relationship,
  Structure,
  Time,
} from '@bolt/packstream';
import {
  ANY,
  AnyOf,
  MapPattern,
  type Pattern,
  parseScript,
  type Script,
  type ScriptBlock,
  ScriptSyntaxError,
} from '@bolt/server/script';
import { RECORDED_DIR } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';

const recorded = RECORDED_DIR;
const scripts = readdirSync(recorded).filter((f) => f.endsWith('.script'));

/** The fields of a one-line client script (patterns). */
function pattern(line: string, version = '4.4'): Pattern[] {
  const block = parseScript(`!: BOLT ${version}\nC: ${line}\n`).body[0];
  if (block.kind !== 'client') throw new Error(`unexpected block ${block.kind}`);
  return block.message.fields;
}

/** The fields of a one-line server script (values to send). */
function sent(line: string, version = '4.4'): unknown[] {
  const block = parseScript(`!: BOLT ${version}\nS: ${line}\n`).body[0];
  if (block.kind !== 'server' || block.actions[0].type !== 'message') {
    throw new Error(`unexpected block ${block.kind}`);
  }
  return block.actions[0].fields;
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
      batch.kind === 'server' && batch.actions.map((a) => a.type === 'message' && a.name),
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
});

describe('parseScript structure', () => {
  it('reads the head directives', () => {
    const s: Script = parseScript(
      '!: BOLT 5.8\n!: MANIFEST\n!: ALLOW RESTART\n!: AUTO RESET\n!: HANDSHAKE 00 00 08 05\n!: HANDSHAKE_DELAY 0.25\n!: PY n = 1\nC: RESET\n',
    );
    expect(s.version).toEqual({ major: 5, minor: 8 });
    expect(s.manifest).toBe(true);
    expect(s.allowRestart).toBe(true);
    expect(s.allowConcurrent).toBe(false);
    expect([...s.autoMessages]).toEqual(['RESET']);
    expect([...(s.handshake ?? [])]).toEqual([0, 0, 8, 5]);
    expect(s.handshakeDelayMs).toBe(250);
    expect(s.setup).toHaveLength(1);
    expect(parseScript('!: BOLT 4\nC: RESET\n').version).toEqual({ major: 4, minor: 0 });
  });

  it('reads server commands, with hex in testkit shorthand', () => {
    const s = parseScript(
      '!: BOLT 4.4\nC: RESET\nS: <NOOP>\n   <RAW> 0 0A 0bff\n   <SLEEP> 0.5\n   <ASSERT ORDER>\n   <EXIT>\n',
    );
    const block = s.body[1];
    expect(block.kind === 'server' && block.actions).toEqual([
      { type: 'noop', line: 3 },
      { type: 'raw', bytes: Uint8Array.from([0, 10, 11, 255]), line: 4 },
      { type: 'sleep', ms: 500, line: 5 },
      { type: 'assertOrder', ms: 1000, line: 6 },
      { type: 'exit', line: 7 },
    ]);
  });

  it('reads IF / ELIF / ELSE, each followed by one block', () => {
    const s = parseScript(`!: BOLT 5.0
C: RESET
IF: n == 1
    S: SUCCESS {"a": 1}
       SUCCESS {"a": 2}
ELIF: n < 3
{{
    C: RESET
    S: SUCCESS {}
}}
ELSE:
    C: GOODBYE
C: RESET
`);
    expect(kinds(s.body)).toEqual(['client', 'conditional', 'client']);
    const cond = s.body[1] as Extract<ScriptBlock, { kind: 'conditional' }>;
    expect(cond.branches.map((b) => [b.text, kinds(b.body)])).toEqual([
      ['IF: n == 1', ['server']],
      ['ELIF: n < 3', ['client', 'server']],
      ['ELSE:', ['client']],
    ]);
    // the implicit continuation line belongs to the IF branch's server block
    const first = cond.branches[0].body[0];
    expect(first.kind === 'server' && first.actions.length).toBe(2);
  });

  it('reads PY lines and parallel blocks', () => {
    const s = parseScript(
      '!: BOLT 5.0\nC: RESET\nPY: n += 1\n{{\n  C: RESET\n++++\n  C: GOODBYE\n}}\n',
    );
    expect(kinds(s.body)).toEqual(['client', 'python', 'parallel']);
    const par = s.body[2] as Extract<ScriptBlock, { kind: 'parallel' }>;
    expect(par.branches.map(kinds)).toEqual([['client'], ['client']]);
  });

  it('applies substitutions before parsing', () => {
    const s = parseScript('!: BOLT #VERSION#\nC: RUN "#QUERY#" {} {}\n', {
      substitutions: { '#VERSION#': '5.0', '#QUERY#': 'RETURN 1' },
    });
    expect(s.version).toEqual({ major: 5, minor: 0 });
    expect(pattern('RUN "RETURN 1" {} {}', '5.0')[0]).toBe('RETURN 1');
  });
});

describe('values in server lines', () => {
  it('keeps integers apart from floats, exactly', () => {
    expect(sent('SUCCESS 1 1.0 -7 1e3 {"Z": "9007199254740993"} {"R": "2"}')).toEqual([
      1n,
      new Float(1),
      -7n,
      new Float(1000),
      9007199254740993n,
      new Float(2),
    ]);
  });

  it('reads a bare integer beyond 32 bits as a float, as testkit does', () => {
    expect(sent('SUCCESS 4294967296')).toEqual([new Float(4294967296)]);
  });

  it('reads special floats, strings, bytes, booleans and null', () => {
    expect(
      sent(
        'SUCCESS {"R": "NaN"} {"R": "-Infinity"} {"U": "**"} {"#": "0A ff"} {"#": [1, 2]} {"?": true} null "x\\u00e9" "*"',
      ),
    ).toEqual([
      new Float(Number.NaN),
      new Float(-Infinity),
      '**',
      Uint8Array.from([10, 255]),
      Uint8Array.from([1, 2]),
      true,
      null,
      'xé',
      '*', // a plain string in a server line
    ]);
  });

  it('sends map keys as written, in maps whose keys are data', () => {
    const [map] = sent('SUCCESS {"[db]": 1, "__proto__": {"a": []}}') as Record<string, unknown>[];
    expect(Object.keys(map)).toEqual(['[db]', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toEqual({ a: [] });
  });

  it('builds every temporal type with @bolt/packstream', () => {
    expect(
      sent(
        'RECORD [{"T": "2022-06-07"}, {"T": "11:52:05.000000123+02:00"}, {"T": "11:52"}, {"T": "2022-06-07T11:52:05Z"}, {"T": "2022-06-07T11:52:05-01:30[America/St_Johns]"}, {"T": "2022-06-07T11:52:05.5"}, {"T": "P1Y2M3DT4H5M6.000000007S"}, {"T": "PT0S"}]',
      ),
    ).toEqual([
      [
        new BoltDate(2022, 6, 7),
        new Time(11, 52, 5, 123, 7200),
        new LocalTime(11, 52, 0, 0),
        new DateTime(2022, 6, 7, 11, 52, 5, 0, 0),
        new DateTime(2022, 6, 7, 11, 52, 5, 0, -5400, 'America/St_Johns'),
        new LocalDateTime(2022, 6, 7, 11, 52, 5, 500_000_000),
        new Duration(14, 3, 14706, 7),
        new Duration(0, 0, 0, 0),
      ],
    ]);
  });

  it('reads points with and without SRID', () => {
    expect(
      sent('RECORD {"@": "SRID=4326;POINT(1.5 -2)"} {"@": "POINT(1 2)"} {"@": "POINT(1 2 3)"}'),
    ).toEqual([new Point(4326, 1.5, -2), new Point(7203, 1, 2), new Point(9157, 1, 2, 3)]);
  });

  it('builds graph values, with element ids from Bolt 5', () => {
    const [n4] = sent('RECORD {"()": [1, ["L"], {"a": 1}]}', '4.4');
    expect(n4).toEqual(new Node(1n, ['L'], Object.assign(Object.create(null), { a: 1n }), '1'));
    const [n5] = sent('RECORD {"()": [1, ["L"], {}, "e1"]}', '5.0');
    expect(n5).toMatchObject({ identity: 1n, elementId: 'e1' });
    const [back] = sent(
      'RECORD {"<-": [7, 1, "T", 2, {}, "r7", "e1", "e2"]}',
      '5.0',
    ) as Relationship[];
    expect(back).toMatchObject({
      start: 2n,
      end: 1n,
      startNodeElementId: 'e2',
      endNodeElementId: 'e1',
    });
    const [path] = sent(
      'RECORD {"..": [{"()": [1, [], {}]}, {"->": [9, 1, "T", 2, {}]}, {"()": [2, [], {}]}]}',
    );
    expect(
      path instanceof Path && [path.start.identity, path.end.identity, path.segments.length],
    ).toEqual([1n, 2n, 1]);
  });

  it('writes a value in the other flavour in its wire form ({"()v1": ...} on Bolt 5)', () => {
    const [node] = sent('RECORD {"()v1": [1, ["L"], {}]}', '5.0');
    expect(node).toEqual(new Structure(0x4e, [1n, ['L'], {}]));
  });
});

describe('patterns in client lines', () => {
  it('reads wildcards and escapes', () => {
    expect(pattern('RUN "*" {"Z": "*"} {"{}": "*"} "\\\\*" "a\\\\\\\\b"')).toEqual([
      ANY,
      new AnyOf('Z'),
      new AnyOf('{}'),
      '*',
      'a\\b',
    ]);
  });

  it('reads optional and unordered map keys', () => {
    const [map] = pattern(
      'BEGIN {"[db]": "*", "bookmarks{}": ["a", "b"], "[x{}]": [], "\\\\[y\\\\]": 1}',
    );
    expect(
      map instanceof MapPattern &&
        map.entries.map(({ key, optional, unordered }) => ({ key, optional, unordered })),
    ).toEqual([
      { key: 'db', optional: true, unordered: false },
      { key: 'bookmarks', optional: false, unordered: true },
      { key: 'x', optional: true, unordered: true },
      { key: '[y]', optional: false, unordered: false },
    ]);
  });

  it('keeps typed values in the wire form received messages are compared in', () => {
    // a Bolt 4.4 zoned date-time is the legacy structure 0x66: local seconds, nanos, zone
    expect(pattern('RUN {"T": "2022-06-07T11:52:05+02:00[Europe/Stockholm]"}')).toEqual([
      new Structure(0x66, [1654602725n, 0n, 'Europe/Stockholm']),
    ]);
    expect(pattern('RUN {"Tv2": "2022-06-07T11:52:05+02:00[Europe/Stockholm]"}')).toEqual([
      new Structure(0x69, [1654595525n, 0n, 'Europe/Stockholm']),
    ]);
  });

  it('reads an empty key as a map, not a sigil', () => {
    const [map] = pattern('RUN {"": {"": null}}');
    expect(map instanceof MapPattern && map.entries[0].key).toBe('');
  });
});

describe('parseScript errors name the line and the construct', () => {
  it('requires the Bolt version', () => {
    const e = syntaxError('C: RESET\n');
    expect(e.code).toBe('MISSING_VERSION');
    expect(e.message).toContain('!: BOLT');
  });

  it('rejects unknown and malformed directives', () => {
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

  it('rejects unbalanced blocks', () => {
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
      line: 2,
    });
    expect(
      syntaxError('!: BOLT 4.4\n{{\nC: RESET\n----\nC: RESET\n++++\nC: RESET\n}}\n'),
    ).toMatchObject({
      code: 'BAD_BLOCK',
      line: 6,
    });
    expect(syntaxError('!: BOLT 4.4\n{?\nC: RESET\n----\nC: RESET\n?}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 4,
    });
  });

  it('rejects misplaced conditions', () => {
    expect(syntaxError('!: BOLT 4.4\nC: RESET\nELSE:\nC: RESET\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\nIF: True\n')).toMatchObject({ code: 'BAD_BLOCK', line: 2 });
    expect(
      syntaxError('!: BOLT 4.4\nIF: True\n    C: RESET\nELSE: x\n    C: RESET\n'),
    ).toMatchObject({
      code: 'BAD_LINE',
      line: 4,
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
    expect(syntaxError('!: BOLT 4.4\n*: RESET\nPY: x = 1\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\n{{\nS: SUCCESS {}\n----\nC: RESET\n}}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 3,
    });
    expect(syntaxError('!: BOLT 4.4\n{{\nC: RESET\n++++\nPY: x = 1\n}}\n')).toMatchObject({
      code: 'BAD_BLOCK',
      line: 5,
    });
  });

  it('refuses Python outside the supported subset, naming the construct', () => {
    const imp = syntaxError('!: BOLT 4.4\nPY: import os\n');
    expect(imp).toMatchObject({ code: 'BAD_PYTHON', line: 2 });
    expect(imp.message).toContain('"import" is not supported');
    const call = syntaxError('!: BOLT 4.4\n!: PY x = open("f")\nC: RESET\n');
    expect(call).toMatchObject({ code: 'BAD_PYTHON', line: 2 });
    expect(call.message).toContain('calls ("open(...)") are not supported');
    const cond = syntaxError('!: BOLT 4.4\nIF: x.y\n    C: RESET\n');
    expect(cond).toMatchObject({ code: 'BAD_PYTHON', line: 2 });
    expect(cond.message).toContain('unsupported condition "x.y"');
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
    const cases: [string, string, number][] = [
      ['RUN "x"\n', 'BAD_LINE', 2],
      ['*: RESET\n   RESET\n', 'BAD_LINE', 3],
      ['C: run\n', 'BAD_LINE', 2],
      ['C: RESET\nS: <BOOM>\n', 'BAD_LINE', 3],
      ['C: RESET\nS: <SLEEP> -1\n', 'BAD_VALUE', 3],
      ['C: RUN "abc\n', 'BAD_VALUE', 2],
      ['C: RESET\nS: SUCCESS {"Z": "*"}\n', 'BAD_VALUE', 3],
      ['C: RUN {"Z": "1.5e3x"}\n', 'BAD_VALUE', 2],
      ['C: RUN {"T": "2022-13"}\n', 'BAD_VALUE', 2],
      ['C: RUN {"T": "2022-06-07T10:00[Europe/Paris]"}\n', 'BAD_VALUE', 2],
      ['C: RUN {"@": "POINT(1)"}\n', 'BAD_VALUE', 2],
      ['C: RUN {"{}": []}\n', 'BAD_VALUE', 2],
      ['C: RUN {"()": [1, {}, {}]}\n', 'BAD_VALUE', 2],
      [
        'C: RUN {"..": [{"()": [1, [], {}]}, {"->": [9, 5, "T", 6, {}]}, {"()": [2, [], {}]}]}\n',
        'BAD_VALUE',
        2,
      ],
    ];
    for (const [body, code, line] of cases) {
      expect(syntaxError(`!: BOLT 4.4\n${body}`), body).toMatchObject({ code, line });
    }
    expect(syntaxError('!: BOLT 5.0\nC: RUN {"()": [1, [], {}]}\n')).toMatchObject({
      code: 'BAD_VALUE',
      line: 2,
    });
  });

  it('reads adjacent fields and repeated keys as Python does', () => {
    expect(pattern('RUN "a""b"')).toEqual(['a', 'b']);
    const [map] = pattern('RUN {"a": 1, "a": 2}');
    expect(map instanceof MapPattern && map.entries.map((e) => [e.key, e.value])).toEqual([
      ['a', 2n],
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
