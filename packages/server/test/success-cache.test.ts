// The SUCCESS messages kept encoded for reuse: only equal metadata reuses them.
import { ChunkWriter } from '@bolt/chunking';
import { MessageCodec } from '@bolt/parser';
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer } from '../src/index.js';
import { SuccessCache } from '../src/session/success-cache.js';
import { RawClient } from './support/raw-client.js';

const codec = new MessageCodec({ version: { major: 5, minor: 8 } });

/** Frame a SUCCESS into a fresh writer and remember it. */
function remember(cache: SuccessCache, metadata: Record<string, unknown>): Uint8Array {
  const w = new ChunkWriter();
  codec.encodeResponse({ type: 'SUCCESS', metadata }, w);
  cache.remember('RUN', metadata, w, 0);
  return codec.encodeResponseBody({ type: 'SUCCESS', metadata });
}

describe('SuccessCache', () => {
  it('gives the kept body for equal metadata: new objects, new lists, same values', () => {
    const cache = new SuccessCache();
    const body = remember(cache, { fields: ['n'], t_first: 0, db: 'neo4j' });
    expect(cache.match('RUN', { fields: ['n'], t_first: 0, db: 'neo4j' })).toEqual(body);
    expect(cache.match('PULL', { fields: ['n'], t_first: 0, db: 'neo4j' })).toBeUndefined();
  });

  it('gives nothing when anything differs', () => {
    const cache = new SuccessCache();
    remember(cache, { fields: ['n', 'm'], t_first: 0, db: 'neo4j' });
    for (const other of [
      { fields: ['n', 'x'], t_first: 0, db: 'neo4j' },
      { fields: ['n'], t_first: 0, db: 'neo4j' },
      { fields: ['n', 'm'], t_first: 1, db: 'neo4j' },
      { fields: ['n', 'm'], t_first: -0, db: 'neo4j' }, // -0 goes out as a FLOAT
      { fields: ['n', 'm'], t_first: 0n, db: 'neo4j' },
      { fields: ['n', 'm'], t_first: 0 },
      { fields: ['n', 'm'], t_first: 0, db: 'neo4j', qid: 0 },
      { t_first: 0, fields: ['n', 'm'], db: 'neo4j' },
    ])
      expect(cache.match('RUN', other)).toBeUndefined();
  });

  it('keeps nothing whose values are objects (their content may change under the same identity)', () => {
    const cache = new SuccessCache();
    const stats = { 'nodes-created': 1 };
    remember(cache, { type: 'w', stats });
    expect(cache.match('RUN', { type: 'w', stats })).toBeUndefined();
  });

  it('is not fooled by a list changed after it was sent', () => {
    const cache = new SuccessCache();
    const fields = ['a'];
    remember(cache, { fields });
    fields[0] = 'b';
    expect(cache.match('RUN', { fields })).toBeUndefined();
    expect(cache.match('RUN', { fields: ['a'] })).toBeDefined();
  });
});

describe('pipelined answers with a SUCCESS cache', () => {
  const servers: BoltServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
  });

  it('each RUN SUCCESS carries its own fields and each summary its own type', async () => {
    const server = createServer({
      handler: (query) => ({
        fields: [query],
        records: [[query.length]],
        summary: { type: query.length % 2 === 0 ? 'r' : 'w' },
      }),
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login();
    const queries = ['a', 'a', 'bb', 'a', 'bb', 'bb', 'ccc', 'a'];
    c.send(
      ...queries.flatMap((q) => [
        { type: 'RUN' as const, query: q, parameters: {}, extra: {} },
        { type: 'PULL' as const, extra: { n: -1 } },
      ]),
    );
    const rs = await c.summaries(2 * queries.length);
    const meta = rs
      .filter((r) => r.type === 'SUCCESS')
      .map((r) => (r as { metadata: Record<string, unknown> }).metadata);
    expect(meta.filter((_, i) => i % 2 === 0).map((m) => m.fields)).toEqual(
      queries.map((q) => [q]),
    );
    expect(meta.filter((_, i) => i % 2 === 1).map((m) => m.type)).toEqual(
      queries.map((q) => (q.length % 2 === 0 ? 'r' : 'w')),
    );
  });
});
