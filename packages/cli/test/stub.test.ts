/**
 * `bolt stub` as a process, as testkit runs its stub server: `-l HOST:PORT -v SCRIPT`,
 * "Listening" once bound, testkit-style log lines, and the exit statuses testkit reads.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORDED_DIR } from '@bolt/test-support';
import neo4j from 'neo4j-driver';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoltProcess, boltBinary, freePort, runBolt } from './support.js';

const recorded = RECORDED_DIR;
const dir = mkdtempSync(join(tmpdir(), 'bolt-stub-test-'));
let binary: string;
const running: BoltProcess[] = [];

beforeAll(async () => {
  binary = await boltBinary();
}, 60_000);

afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});

function scriptFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function startStub(script: string, ...extra: string[]) {
  const port = await freePort();
  const p = new BoltProcess(binary, ['stub', '-l', `127.0.0.1:${port}`, '-v', ...extra, script]);
  running.push(p);
  await p.line(/^Listening$/);
  return { p, uri: `bolt://127.0.0.1:${port}` };
}

const driverFor = (uri: string) =>
  neo4j.driver(uri, neo4j.auth.basic('neo4j', 'pass'), {
    disableLosslessIntegers: true,
    connectionTimeout: 5000,
  });

describe('bolt stub', () => {
  it('plays a recorded conversation to the official driver and exits 0 at its end', async () => {
    const { p, uri } = await startStub(join(recorded, 'basic-query-v5x0.script'));
    const driver = driverFor(uri);
    const session = driver.session();
    const result = await session.run('RETURN 1 AS n');
    await session.close();
    await driver.close();
    expect(result.records.map((r) => r.get('n'))).toEqual([1]);
    expect(await p.exited).toBe(0);
    // testkit counts these lines
    expect(p.stdout.filter((l) => / S: <ACCEPT> /.test(l))).toHaveLength(1);
    expect(p.stdout.filter((l) => / S: <HANGUP>$/.test(l))).toHaveLength(1);
    expect(
      p.stdout.some((l) =>
        /\[#[0-9A-F]{4}>#[0-9A-F]{4}\] {2}\( {2}\d\) C: RUN "RETURN 1 AS n"/.test(l),
      ),
    ).toBe(true);
  });

  it('closes its port after <EXIT> and exits 0', async () => {
    const script = scriptFile(
      'exit.script',
      '!: BOLT 5.0\nA: HELLO {"{}": "*"}\nC: RUN "*" {} {}\nS: <EXIT>\n',
    );
    const { p, uri } = await startStub(script);
    const driver = driverFor(uri);
    await expect(driver.session().run('RETURN 1')).rejects.toThrow();
    expect(await p.exited).toBe(0);
    await expect(driver.verifyConnectivity()).rejects.toThrow(/ECONNREFUSED|connect/i);
    await driver.close();
  });

  it('exits 1 and prints the mismatch when the client leaves the script', async () => {
    const script = scriptFile(
      'mismatch.script',
      '!: BOLT 5.0\nA: HELLO {"{}": "*"}\nC: RUN "RETURN 2" {} {}\nS: SUCCESS {}\n',
    );
    const { p, uri } = await startStub(script);
    const driver = driverFor(uri);
    await expect(driver.session().run('RETURN 1')).rejects.toThrow();
    await driver.close();
    expect(await p.exited).toBe(1);
    const out = p.stdout.join('\n');
    expect(out).toContain(`Script mismatch in '${script}':`);
    expect(out).toContain('(line 3) C: RUN "RETURN 2" {} {}');
    expect(out).toContain('RUN "RETURN 1" {"{}": {}} {"{}": {}}');
  });

  it('plays a script again for each connection with ALLOW RESTART, until interrupted', async () => {
    const script = scriptFile(
      'restart.script',
      '!: BOLT 5.0\n!: ALLOW RESTART\n!: PY n = 0\nA: HELLO {"{}": "*"}\nC: RUN "*" {} {}\nPY: n += 1\nIF: n == 1\n    S: SUCCESS {"fields": ["first"]}\nELSE:\n    S: SUCCESS {"fields": ["later"]}\nC: PULL {"[n]": "*"}\nS: SUCCESS {}\n?: GOODBYE\n',
    );
    const { p, uri } = await startStub(script);
    const keys: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const driver = driverFor(uri);
      const session = driver.session();
      const result = session.run('RETURN 1');
      keys.push([...(await result.keys())]);
      await result.summary();
      await session.close();
      await driver.close();
    }
    expect(keys).toEqual([['first'], ['later']]);
    p.interrupt();
    expect(await p.exited).toBe(0);
    expect(p.stdout.filter((l) => / S: <ACCEPT> /.test(l))).toHaveLength(2);
  });

  it('exits 3 when interrupted before any client connected', async () => {
    const { p } = await startStub(join(recorded, 'basic-query-v5x0.script'));
    p.interrupt();
    expect(await p.exited).toBe(3);
    expect(p.stdout).toContain('Script never started');
  });

  it('exits 2 when no client connects within --timeout', async () => {
    const { p } = await startStub(join(recorded, 'basic-query-v5x0.script'), '-t', '0.2');
    expect(await p.exited).toBe(2);
    expect(p.stdout).toContain('Timed out');
  });

  it('refuses a script it cannot read with exit 4, naming the line and construct', async () => {
    const script = scriptFile('bad.script', '!: BOLT 5.0\nPY: import os\n');
    const { code, stderr } = await runBolt(['stub', script]);
    expect(code).toBe(4);
    expect(stderr).toContain(
      `${script}:2: unsupported Python "import os": "import" is not supported`,
    );
  });

  it('answers usage mistakes with exit 64 and help on --help', async () => {
    expect((await runBolt(['stub'])).code).toBe(64);
    expect((await runBolt(['frob'])).code).toBe(64);
    const help = await runBolt(['stub', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: bolt stub [options] SCRIPT');
  });
});
