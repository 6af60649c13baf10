// The official driver over TLS (bolt+ssc://, a self-signed certificate made with the openssl
// CLI) and over WebSocket (the driver's browser bundle in headless Chromium), with TCP, TLS and
// WebSocket listeners served by one server at the same time.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tcp, tls, websocketListener } from '@bolt/net-adapters/node';
import { selfSignedCert } from '@bolt/test-support';
import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltServer, createServer } from '../src/index.js';
import { demoHandler, PASSWORD } from './support/demo-handler.js';

const CHROMIUM = '/usr/bin/chromium';

let server: BoltServer;
const ports: Record<string, number> = {};
const seen: { listener: string; encrypted: boolean; version: string | undefined }[] = [];

beforeAll(async () => {
  const made = selfSignedCert();
  if ('skip' in made) throw new Error(made.skip);
  const { cert, key } = made;
  const base = demoHandler();
  server = createServer({
    handler: {
      ...base,
      authenticate(token, connection) {
        seen.push({
          listener: connection.listener,
          encrypted: connection.encrypted,
          version: connection.protocolVersion,
        });
        return base.authenticate!(token, connection);
      },
    },
  });
  const at = { host: '127.0.0.1', port: 0 };
  const [plain, secure, ws] = await Promise.all([
    server.listen(tcp(), at),
    server.listen(tls(), { ...at, tls: { cert, key } }),
    server.listen(websocketListener(), at),
  ]);
  ports.tcp = plain.address.port;
  ports.tls = secure.address.port;
  ports.websocket = ws.address.port;
});

afterAll(async () => {
  await server?.close({ graceMs: 100 });
});

describe('TLS (bolt+ssc://)', () => {
  for (const [name, neo4j] of [
    ['neo4j-driver 6.3.0', neo4j6],
    ['neo4j-driver 5.28.3', neo4j5],
    ['neo4j-driver 4.4.11', neo4j4],
  ] as [string, any][]) {
    it(`${name} queries over an encrypted connection`, async () => {
      const driver = neo4j.driver(
        `bolt+ssc://127.0.0.1:${ports.tls}`,
        neo4j.auth.basic('neo4j', PASSWORD),
        {
          logging: { level: 'error', logger: () => {} },
        },
      );
      try {
        const session = driver.session();
        try {
          const r = await session.run('RETURN $x AS x', { x: 'over tls' });
          expect(r.records[0].get('x')).toBe('over tls');
        } finally {
          await session.close();
        }
      } finally {
        await driver.close();
      }
      expect(seen.at(-1)).toMatchObject({ listener: 'tls', encrypted: true });
    });
  }

  it('serves plain TCP on its own listener at the same time', async () => {
    const driver = neo4j6.driver(
      `bolt://127.0.0.1:${ports.tcp}`,
      neo4j6.auth.basic('neo4j', PASSWORD),
    );
    try {
      const { records } = await driver.executeQuery('RETURN 1 AS n');
      expect(records[0].get('n').toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
    expect(seen.at(-1)).toMatchObject({ listener: 'tcp', encrypted: false });
  });
});

describe('WebSocket (the driver browser bundle in headless Chromium)', () => {
  const reason = existsSync(CHROMIUM) ? '' : `no Chromium binary at ${CHROMIUM}`;
  it.skipIf(reason !== '')(
    `runs a query through the websocket listener${reason ? ` (skipped: ${reason})` : ''}`,
    async () => {
      const { chromium } = await import('playwright-core');
      const require = createRequire(import.meta.url);
      const bundle = join(
        dirname(require.resolve('neo4j-driver/package.json')),
        'lib/browser/neo4j-web.min.js',
      );
      const profile = mkdtempSync(join(tmpdir(), 'bolt-server-chromium-'));
      // A fresh profile directory per run (launchPersistentContext passes it as --user-data-dir).
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
        const result = await page.evaluate(
          async ({ port, password }) => {
            const neo4j = (globalThis as any).neo4j;
            const driver = neo4j.driver(
              `bolt://127.0.0.1:${port}`,
              neo4j.auth.basic('neo4j', password),
            );
            try {
              const session = driver.session();
              const r = await session.run('RETURN $x AS x', { x: 'from the browser' });
              await session.close();
              return {
                x: r.records[0].get('x'),
                version: String(r.summary.server.protocolVersion),
              };
            } finally {
              await driver.close();
            }
          },
          { port: ports.websocket, password: PASSWORD },
        );
        expect(result.x).toBe('from the browser');
        expect(seen.at(-1)).toMatchObject({
          listener: 'websocket',
          encrypted: false,
          version: '6.1',
        });
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
