import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Listener, websocketListener } from '@bolt/net-adapters/node';
import { type BoltServer, createServer } from '@bolt/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeen, testHandler } from './support/test-handler.js';

// A query from a web page: the portable entry of @bolt/client (no node:*), bundled with esbuild
// for the browser, runs in headless Chromium and talks to @bolt/server over WebSocket.
const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../..', import.meta.url));

function findEsbuild(): string {
  const dir = join(root, 'node_modules/.pnpm');
  const pkg = readdirSync(dir)
    .filter((d) => /^esbuild@\d/.test(d))
    .sort()
    .at(-1);
  if (!pkg) throw new Error('esbuild not found under node_modules/.pnpm');
  return join(dir, pkg, 'node_modules/esbuild');
}

const PAGE_SCRIPT = `
import { driver, auth, Node } from './packages/client/src/index.ts';
window.boltQuery = async (port) => {
  const d = driver('bolt://127.0.0.1:' + port, { auth: auth.basic('neo4j', 'pw') });
  try {
    const s = d.session();
    const all = await s.run('ECHO', { hello: 'browser', big: 2n ** 62n });
    let streamed = 0;
    for await (const r of s.run('ROWS', { n: 2500 })) streamed += r.get('i');
    const info = await d.getServerInfo();
    await s.close();
    return { echo: all.records[0].get('p').hello, big: String(all.records[0].get('p').big),
             streamed, protocol: info.protocolVersion, hasNodeClass: typeof Node === 'function' };
  } finally {
    await d.close();
  }
};
window.boltReady = true;
`;

describe.skipIf(!existsSync(CHROMIUM))(
  `headless Chromium (skipped when ${CHROMIUM} is absent)`,
  () => {
    let server: BoltServer;
    let listener: Listener;
    let bundle: string;
    let profile: string;
    let http: Server;
    let pageUrl: string;

    beforeAll(async () => {
      const require = createRequire(import.meta.url);
      const esbuild = require(findEsbuild());
      const out = await esbuild.build({
        stdin: { contents: PAGE_SCRIPT, resolveDir: root, loader: 'ts' },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        conditions: ['source'],
        logLevel: 'silent',
      });
      bundle = out.outputFiles[0].text;
      server = createServer({ handler: testHandler(newSeen()) });
      listener = await server.listen(websocketListener(), { host: '127.0.0.1', port: 0 });
      profile = mkdtempSync(join(tmpdir(), 'bolt-chromium-'));
      // the page is served from 127.0.0.1 (an http origin, like a real app)
      http = createHttpServer((req, res) => {
        if (req.url === '/bundle.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(bundle);
        } else {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><script type="module" src="/bundle.js"></script>');
        }
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      const addr = http.address() as { port: number };
      pageUrl = `http://127.0.0.1:${addr.port}/`;
    }, 60_000);

    afterAll(async () => {
      await new Promise((r) => http?.close(r));
      await listener?.close();
      await server?.close({ graceMs: 0 });
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('the browser bundle imports nothing from node:*', () => {
      expect(bundle).not.toMatch(/from\s*["']node:/);
      expect(bundle).not.toMatch(/require\(["']node:/);
    });

    it('runs a query from a page over WebSocket', async () => {
      const { chromium } = await import('playwright-core');
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
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
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => errors.push(`console: ${m.text()}`));
        await page.goto(pageUrl);
        await page.waitForFunction(() => (window as any).boltReady === true, undefined, {
          timeout: 10_000,
        });
        const result = await page.evaluate(
          (port) => (window as any).boltQuery(port),
          listener.address.port,
        );
        expect(errors).toEqual([]);
        expect(result).toEqual({
          echo: 'browser',
          big: String(2n ** 62n),
          streamed: (2499 * 2500) / 2,
          protocol: '6.1',
          hasNodeClass: true,
        });
      } finally {
        await context.close();
      }
    }, 60_000);
  },
);
