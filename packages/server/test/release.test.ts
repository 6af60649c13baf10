// Release readiness: what a new user of @bolt/server hits on day one.
import * as packstream from '@bolt/packstream';
import type { Response } from '@bolt/parser';
import { afterEach, describe, expect, it } from 'vitest';
import * as server from '../src/index.js';
import { type BoltServer, createServer, type Handler } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

function serve(handler: Handler, options: Omit<server.ServerOptions, 'handler'> = {}) {
  const s = createServer({ handler, ...options });
  servers.push(s);
  return s;
}

const meta = (r: Response | undefined) => (r as { metadata: Record<string, any> }).metadata;

async function query(s: BoltServer, q: string, version = { major: 5, minor: 8 }) {
  const c = RawClient.overMemory(s, { version });
  await c.login();
  if (version.major < 3) {
    c.send({ type: 'RUN', query: q, parameters: {}, extra: {} }, { type: 'PULL_ALL' });
  } else
    c.send(
      { type: 'RUN', query: q, parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
  await c.summaries(2);
  return c.take();
}

describe('release: handler results', () => {
  it('a handler object may return a plain array of rows, as the function form may', async () => {
    const s = serve({
      run: () => [
        { n: 1, s: 'one' },
        { n: 2, s: 'two' },
      ],
    });
    const rs = await query(s, 'RETURN n, s');
    expect(rs.map((r) => r.type)).toEqual(['SUCCESS', 'RECORD', 'RECORD', 'SUCCESS']);
    expect(meta(rs[0]).fields).toEqual(['n', 's']);
    expect(rs.slice(1, 3)).toEqual([
      { type: 'RECORD', fields: [1, 'one'] },
      { type: 'RECORD', fields: [2, 'two'] },
    ]);
  });

  it('…and a promise of one; an empty array is a result without columns', async () => {
    const s = serve({ run: async (q) => (q === 'EMPTY' ? [] : [{ x: true }]) });
    const rs = await query(s, 'RETURN x');
    expect(rs[1]).toEqual({ type: 'RECORD', fields: [true] });
    const empty = await query(s, 'EMPTY');
    expect(empty.map((r) => r.type)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(meta(empty[0]).fields).toEqual([]);
  });

  it('anything else is a FAILURE that says what run() returned and what to return', async () => {
    const s = serve({ run: () => 'nope' as never });
    const rs = await query(s, 'RETURN 1');
    expect(rs[0].type).toBe('FAILURE');
    const message = meta(rs[0]).message as string;
    expect(message).toContain('run() returned a string');
    expect(message).toContain('an array of row objects');
    expect(message).toContain('{ fields, records }');
  });
});

describe('release: values', () => {
  it('re-exports the value classes its README builds results from, the very same classes', () => {
    for (const name of [
      'Node',
      'Relationship',
      'UnboundRelationship',
      'Path',
      'PathSegment',
      'Date',
      'Time',
      'LocalTime',
      'DateTime',
      'LocalDateTime',
      'Duration',
      'Point',
      'Vector',
      'Uuid',
      'Structure',
      'float',
    ] as const) {
      expect((server as Record<string, unknown>)[name], name).toBeDefined();
      expect((server as Record<string, unknown>)[name], name).toBe(
        (packstream as Record<string, unknown>)[name],
      );
    }
  });

  for (const [what, value] of [
    ['Date', new packstream.Date(2024, 2, 29)],
    ['DateTime', new packstream.DateTime(2024, 3, 31, 2, 30, 0, 0, 3600)],
    ['Duration', new packstream.Duration(1, 2, 3, 4)],
    ['Point', new packstream.Point(7203, 1, 2)],
  ] as const) {
    it(`a ${what} for a Bolt 1 client fails saying the version cannot carry it`, async () => {
      const s = serve({ run: () => ({ fields: ['v'], records: [[value]] }) });
      const rs = await query(s, 'RETURN v', { major: 1, minor: 0 });
      const failure = rs.find((r) => r.type === 'FAILURE');
      expect(failure, JSON.stringify(rs)).toBeDefined();
      const message = meta(failure).message as string;
      expect(message).toContain(`Bolt 1.0 cannot carry a ${what}`);
      expect(message).toContain('Bolt 2.0');
      expect(message).not.toContain('StructRegistry');
    });
  }
});

describe('release: versions option', () => {
  it("accepts '5.4' strings and {major, minor} objects, and negotiates only those", async () => {
    const s = serve({ run: () => [] }, { versions: ['5.4', { major: 4, minor: 4 }] });
    expect(s.options.versions).toEqual([
      { major: 5, minor: 4 },
      { major: 4, minor: 4 },
    ]);
    const c = RawClient.overMemory(s, { proposals: [{ major: 5, minor: 8, range: 8 }] });
    expect(await c.negotiated()).toEqual({ major: 5, minor: 4 });
    c.close();
  });

  it.each([
    ['5.9', /Bolt 5\.9 does not exist/],
    ['7.0', /Bolt 7\.0 does not exist/],
    [{ major: 5, minor: 9 }, /Bolt 5\.9 does not exist/],
    ['5.5', /5\.5/],
    ['five', /versions\[0\].*"five"/],
    [{ major: 5 }, /versions\[0\]/],
  ])('rejects %j at createServer with a TypeError', (v, message) => {
    expect(() => createServer({ handler: () => [], versions: [v as never] })).toThrowError(message);
    expect(() => createServer({ handler: () => [], versions: [v as never] })).toThrowError(
      TypeError,
    );
  });

  it('rejects an empty list', () => {
    expect(() => createServer({ handler: () => [], versions: [] })).toThrowError(TypeError);
  });
});

describe('release: failedMessageDir', () => {
  it('writes every request that fails to decode (raw bytes and a hex report)', async () => {
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'bolt-server-failed-'));
    try {
      const s = serve({ run: () => [] }, { failedMessageDir: dir });
      const c = RawClient.overMemory(s);
      await c.login();
      // RUN whose parameters map holds the reserved marker C4.
      const bad = [0xb3, 0x10, 0x80, 0xa1, 0x81, 0x78, 0xc4, 0xa0];
      c.sendBytes([0x00, bad.length, ...bad, 0x00, 0x00]);
      await c.summaries(1);
      expect(c.responses[0].type).toBe('FAILURE');
      let files: string[] = [];
      for (let i = 0; i < 100 && files.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
        files = readdirSync(dir).sort();
      }
      expect(files).toHaveLength(2);
      expect([...readFileSync(join(dir, files[0]))]).toEqual(bad);
      const report = readFileSync(join(dir, files[1]), 'utf8');
      expect(report).toContain('b3 10 80 a1 81 78 c4 a0');
      expect(report).toContain('peer:   memory:client');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
