/**
 * `bolt proxy` as a process between the official driver and `@bolt/server`: every message is
 * printed (credentials hidden), the recording replays through `bolt stub`, and the fault
 * options cut or delay the conversation.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, driver as boltDriver } from '@bolt/client/node';
import { tcp, tls } from '@bolt/net-adapters/node';
import { encodeClientHandshake, formatVersion, SUPPORTED_VERSIONS } from '@bolt/parser';
import { type BoltServer, createServer } from '@bolt/server';
import neo4j from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoltProcess, boltBinary, freePort, selfSignedCert } from './support.js';

let binary: string;
const running: BoltProcess[] = [];
let servers: BoltServer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'bolt-proxy-test-'));

beforeAll(async () => {
  binary = await boltBinary();
}, 60_000);

afterEach(async () => {
  // the processes first (their connections to the servers end with them), then the servers
  await Promise.all(
    running.splice(0).map((p) => {
      p.kill();
      return p.exited;
    }),
  );
  await Promise.all(servers.map((s) => s.close({ graceMs: 0 })));
  servers = [];
}, 60_000);

/** `@bolt/server` answering every query with one row { n: 1 }, on a free port (every Bolt
 *  version, or TLS with the given certificate). */
async function boltServer(secure?: { cert: string; key: string }): Promise<number> {
  const server = createServer({ handler: () => [{ n: 1 }], versions: SUPPORTED_VERSIONS });
  servers.push(server);
  const at = { host: '127.0.0.1', port: 0 };
  const bound = secure
    ? await server.listen(tls(), { ...at, tls: secure })
    : await server.listen(tcp(), at);
  return bound.address.port;
}

async function startProxy(target: number, ...extra: string[]) {
  const port = await freePort();
  const p = new BoltProcess(binary, [
    'proxy',
    '--listen',
    `127.0.0.1:${port}`,
    '--target',
    `127.0.0.1:${target}`,
    ...extra,
  ]);
  running.push(p);
  await p.line(/^Listening on /);
  return { p, uri: `bolt://127.0.0.1:${port}` };
}

/** The scenario the recording is replayed with: one auto-commit query, read fully. */
async function query(uri: string): Promise<number[]> {
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'secret-password'), {
    disableLosslessIntegers: true,
  });
  try {
    const session = driver.session();
    const result = await session.run('RETURN 1 AS n');
    await session.close();
    return result.records.map((r) => r.get('n'));
  } finally {
    await driver.close();
  }
}

describe('bolt proxy', () => {
  it('relays the driver to the server and prints both directions, credentials hidden', async () => {
    const { p, uri } = await startProxy(await boltServer());
    expect(await query(uri)).toEqual([1]);
    await p.line(/\[#1\] C: HANGUP|\[#1\] C: <HANGUP>/);
    const out = p.stdout.join('\n');
    expect(out).toMatch(/\[#1\] C: <HANDSHAKE> /);
    expect(out).toMatch(/\[#1\] S: <HANDSHAKE> Bolt \d\.\d/);
    expect(out).toMatch(/\[#1\] C: RUN "RETURN 1 AS n"/);
    expect(out).toMatch(/\[#1\] S: RECORD \[1\]/);
    expect(out).not.toContain('secret-password');
  });

  it('records a conversation that bolt stub replays to the same driver', async () => {
    const record = join(dir, 'recorded.script');
    const { p, uri } = await startProxy(await boltServer(), '--record', record, '--quiet');
    expect(await query(uri)).toEqual([1]);
    await p.line(/recorded to /);
    const script = readFileSync(record, 'utf8');
    expect(script).toMatch(/^# recorded by bolt proxy: /);
    expect(script).toContain('C: HELLO {"{}": "*"}');
    expect(script).not.toContain('secret-password');

    const port = await freePort();
    const stub = new BoltProcess(binary, ['stub', '-l', `127.0.0.1:${port}`, record]);
    running.push(stub);
    await stub.line(/^Listening$/);
    expect(await query(`bolt://127.0.0.1:${port}`)).toEqual([1]);
    expect(await stub.exited).toBe(0);
  });

  it('cuts both connections after --drop-after messages', async () => {
    const { p, uri } = await startProxy(await boltServer(), '--drop-after', '3');
    await expect(query(uri)).rejects.toThrow();
    await p.line(/<DROP> after 3 messages/);
  });

  it('delays every chunk by --latency', async () => {
    const target = await boltServer();
    const { uri } = await startProxy(target, '--latency', '150', '--quiet');
    const started = Date.now();
    expect(await query(uri)).toEqual([1]);
    // at least handshake, HELLO(+LOGON), RUN+PULL: three round trips, each delayed both ways
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 2 * 150);
  });

  it('dumps a message it cannot decode to --dump-dir and keeps relaying', async () => {
    const dumps = join(dir, 'dumps');
    const { p } = await startProxy(await boltServer(), '--dump-dir', dumps);
    const port = Number(
      /:(\d+),/.exec(p.stdout[0])?.[1] ?? /127\.0\.0\.1:(\d+)/.exec(p.stdout[0])?.[1],
    );
    // a raw client: handshake for 5.0, then a chunk holding a message with an unknown tag
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(encodeClientHandshake([{ major: 5, minor: 0 }]));
        s.once('data', () => {
          s.write(Uint8Array.of(0x00, 0x02, 0xb0, 0x55, 0x00, 0x00));
          setTimeout(() => {
            s.destroy();
            resolve();
          }, 300);
        });
      });
      s.on('error', reject);
    });
    await p.line(/<UNDECODABLE> .*dumped to /);
    const files = readdirSync(dumps).sort();
    expect(files).toEqual(['connection-1-1-client.bin', 'connection-1-1-client.txt']);
    expect([...readFileSync(join(dumps, files[0]))]).toEqual([0xb0, 0x55]);
    expect(readFileSync(join(dumps, files[1]), 'utf8')).toContain('B0 55');
  });

  it('decodes both directions for every Bolt version', async () => {
    const { p, uri } = await startProxy(await boltServer());
    for (const version of SUPPORTED_VERSIONS) {
      const d = boltDriver(uri, { auth: auth.basic('neo4j', 'pw'), protocolVersions: [version] });
      try {
        const { records } = await d.executeQuery('RETURN 1 AS n');
        expect(records[0].get('n')).toBe(1);
      } finally {
        await d.close();
      }
    }
    await p.line(new RegExp(`\\[#${SUPPORTED_VERSIONS.length}\\] S: SUCCESS`));
    const out = p.stdout.join('\n');
    SUPPORTED_VERSIONS.forEach((version, i) => {
      const at = `[#${i + 1}]`;
      expect(out, formatVersion(version)).toContain(
        `${at} S: <HANDSHAKE> Bolt ${formatVersion(version)}`,
      );
      expect(out, formatVersion(version)).toContain(`${at} C: RUN "RETURN 1 AS n"`);
      expect(out, formatVersion(version)).toContain(`${at} S: RECORD [1]`);
    });
    expect(out).not.toContain('<UNDECODABLE>');
    expect(out).not.toMatch(/"credentials":"pw"/);
  });

  it('decodes the official drivers 4.4, 5.28 and 6.3 (manifest handshake)', async () => {
    const { p, uri } = await startProxy(await boltServer());
    // the three majors' APIs agree on what is used here
    for (const lib of [neo4j4, neo4j5, neo4j] as unknown as (typeof neo4j)[]) {
      const d = lib.driver(uri, lib.auth.basic('neo4j', 'secret-password'));
      try {
        const session = d.session();
        const result = await session.run('RETURN 1 AS n');
        await session.close();
        expect(result.records[0].get('n').toNumber()).toBe(1);
      } finally {
        await d.close();
      }
    }
    await p.line(/\[#3\] S: RECORD \[1\]/);
    const out = p.stdout.join('\n');
    expect(out).toMatch(/\[#1\] S: <HANDSHAKE> Bolt 4\.4/);
    // 5.28 offers the manifest too (6.x)
    expect(out).toMatch(/\[#2\] S: <HANDSHAKE> Bolt \d\.\d/);
    expect(out).toMatch(/\[#2\] S: RECORD \[1\]/);
    expect(out).toMatch(/\[#3\] C: <HANDSHAKE> manifest v1/);
    expect(out).toMatch(/\[#3\] S: <HANDSHAKE> Bolt 6\.\d \(manifest\)/);
    expect(out).not.toContain('<UNDECODABLE>');
    expect(out).not.toContain('secret-password');
  });

  it('speaks TLS to the driver and to the server', async (ctx) => {
    const made = selfSignedCert();
    if ('skip' in made) return ctx.skip(made.skip);
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(certFile, made.cert);
    writeFileSync(keyFile, made.key);
    const target = await boltServer(made);
    const port = await freePort();
    const p = new BoltProcess(binary, [
      'proxy',
      '--listen',
      `127.0.0.1:${port}`,
      '--target',
      `127.0.0.1:${target}`,
      '--listen-cert',
      certFile,
      '--listen-key',
      keyFile,
      '--target-ca',
      certFile,
    ]);
    running.push(p);
    await p.line(/^Listening on /);
    // the driver trusts only the proxy's certificate; the proxy trusts only the server's
    const d = neo4j.driver(`bolt+ssc://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'pw'));
    try {
      const session = d.session();
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(result.records[0].get('n').toNumber()).toBe(1);
    } finally {
      await d.close();
    }
    await p.line(/\[#1\] S: RECORD \[1\]/);
  });

  it('says it cannot reach a plain server it was told to reach with TLS', async () => {
    const { p, uri } = await startProxy(await boltServer(), '--target-trust-all');
    await expect(query(uri)).rejects.toThrow();
    await p.line(/\[#1\] cannot reach 127\.0\.0\.1:\d+: /);
  });
});
