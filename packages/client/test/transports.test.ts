import { type Listener, tcp, tls, websocketListener, websocketNode } from '@bolt/net-adapters/node';
import { type BoltServer, createServer } from '@bolt/server';
import { selfSignedCert } from '@bolt/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, driver } from '../src/node.js';
import { newSeen, type Seen, testHandler } from './support/test-handler.js';

let cert: string;
let key: string;
let server: BoltServer;
let seen: Seen;
const listeners: Listener[] = [];

beforeAll(async () => {
  const made = selfSignedCert();
  if ('skip' in made) throw new Error(made.skip);
  ({ cert, key } = made);
  seen = newSeen();
  server = createServer({ handler: testHandler(seen) });
});

afterAll(async () => {
  for (const l of listeners) await l.close();
  await server.close({ graceMs: 0 });
});

async function exercise(url: string, config: Parameters<typeof driver>[1] = {}) {
  const d = driver(url, { auth: auth.basic('neo4j', 'pw'), fetchSize: 100, ...config });
  try {
    const info = await d.verifyConnectivity();
    const s = d.session();
    const all = await s.run('ROWS', { n: 1000 });
    expect(all.records).toHaveLength(1000);
    let n = 0;
    for await (const r of s.run<{ i: number }>('ROWS', { n: 500 })) expect(r.get('i')).toBe(n++);
    expect(n).toBe(500);
    const tx = await s.beginTransaction();
    await tx.run('WRITE');
    expect(await tx.commit()).toMatch(/^bm-/);
    const v = await s.executeRead(async (t) => (await t.run('RETURN 1 AS n').single()).get('n'));
    expect(v).toBe(1);
    await s.close();
    return info;
  } finally {
    await d.close();
  }
}

describe('over real transports', () => {
  it('TCP (bolt://, the node entry picks tcp)', async () => {
    const l = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    listeners.push(l);
    const info = await exercise(`bolt://127.0.0.1:${l.address.port}`);
    expect(info.address).toBe(`127.0.0.1:${l.address.port}`);
  });

  it('TLS with bolt+ssc:// (any certificate)', async () => {
    const l = await server.listen(tls(), { host: '127.0.0.1', port: 0, tls: { cert, key } });
    listeners.push(l);
    await exercise(`bolt+ssc://localhost:${l.address.port}`);
    expect(seen.queries.at(-1)!.context.connection.encrypted).toBe(true);
  });

  it('TLS with bolt+s:// and a custom CA; system trust rejects the self-signed certificate', async () => {
    const l = await server.listen(tls(), { host: '127.0.0.1', port: 0, tls: { cert, key } });
    listeners.push(l);
    await exercise(`bolt+s://localhost:${l.address.port}`, { tls: { trust: 'custom', ca: cert } });
    const d = driver(`bolt+s://localhost:${l.address.port}`, { connectionTimeoutMs: 5000 });
    const err = await d.verifyConnectivity().catch((e) => e);
    expect(err.kind).toBe('could-not-connect');
    await d.close();
  });

  it('WebSocket (ws://, binary frames)', async () => {
    const l = await server.listen(websocketListener(), { host: '127.0.0.1', port: 0 });
    listeners.push(l);
    await exercise(`bolt://127.0.0.1:${l.address.port}`, { netModule: websocketNode() });
    expect(seen.queries.at(-1)!.context.connection.listener).toBe('websocket');
  });

  it('could-not-connect on a closed TCP port', async () => {
    const l = await tcp().listen({ host: '127.0.0.1', port: 0 }, (t) => t.destroy());
    const port = l.address.port;
    await l.close();
    const d = driver(`bolt://127.0.0.1:${port}`);
    const err = await d.verifyConnectivity().catch((e) => e);
    expect(err.kind).toBe('could-not-connect');
    expect(err.code).toBe('ServiceUnavailable');
    await d.close();
  });
});
