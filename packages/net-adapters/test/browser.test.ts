import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listener, Transport } from '../src/index.js';
import { websocketListener } from '../src/node.js';
import { fnv1a, within } from '../src/testing.js';
import type { AbruptResult, EchoResult } from './browser/echo-page.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `browser WebSocket test skipped: ${CHROMIUM} is missing (install Debian's chromium package; .ci/run does)`,
  );
}

describe.skipIf(!haveChromium)('websocket module in a real browser (headless Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bolt-browser-'));
  let page: Server;
  let pagePort = 0;
  let listener: Listener;
  const serverSide: {
    bytes: number;
    checksum: number;
    transports: Transport[];
    abruptEnds: (Error | undefined)[];
  } = { bytes: 0, checksum: 0x811c9dc5, transports: [], abruptEnds: [] };

  beforeAll(async () => {
    // Bundle the page script (and with it the portable entry) for the browser: a node:* import
    // reachable from src/index.ts would fail this build.
    await build({
      entry: { page: join(__dirname, 'browser', 'echo-page.ts') },
      outDir: dir,
      format: ['esm'],
      platform: 'browser',
      target: 'es2022',
      dts: false,
      sourcemap: false,
      silent: true,
      config: false,
    });
    const script = readFileSync(join(dir, 'page.js'));
    const html =
      '<!doctype html><title>bolt websocket</title><script type="module" src="/page.js"></script>';
    page = createServer((req, res) => {
      if (req.url === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      }
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const address = page.address();
    pagePort = typeof address === 'object' && address ? address.port : 0;

    // The Bolt side: an echo server with back-pressure (pause reading while the echo backs up).
    listener = await websocketListener().listen({ host: '127.0.0.1', port: 0 }, (t) => {
      serverSide.transports.push(t);
      let first = true;
      t.receive({
        onData(chunk) {
          if (first && chunk.length === 1 && (chunk[0] === 1 || chunk[0] === 2)) {
            // The abrupt-close probes: 1 = the page will destroy, 2 = we destroy.
            first = false;
            if (chunk[0] === 2) t.destroy(new Error('server gave up'));
            else void t.closed.then((e) => serverSide.abruptEnds.push(e));
            return;
          }
          first = false;
          serverSide.bytes += chunk.length;
          serverSide.checksum = fnv1a(chunk, serverSide.checksum);
          if (!t.write(chunk)) {
            t.pause();
            t.drained().then(
              () => t.resume(),
              () => {},
            );
          }
        },
        onEnd: () => t.end(),
      });
    });
  }, 60_000);

  afterAll(async () => {
    await listener?.close();
    for (const t of serverSide.transports) t.destroy();
    await new Promise<void>((resolve) => (page ? page.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a page connects to websocketListener and gets 4 MB echoed intact', async () => {
    const profile = join(dir, 'profile');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
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
      const tab = context.pages()[0] ?? (await context.newPage());
      tab.setDefaultTimeout(30_000);
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`http://127.0.0.1:${pagePort}/`, { timeout: 15_000 });
      await tab.waitForFunction(() => typeof window.runEcho === 'function', undefined, {
        timeout: 15_000,
      });
      const size = 4 * 1024 * 1024;
      const result: EchoResult = await tab.evaluate(([port, n]) => window.runEcho(port, n), [
        listener.address.port,
        size,
      ] as const);
      expect(errors).toEqual([]);
      expect(result.sent).toBe(size);
      expect(result.writes).toBeGreaterThan(50);
      expect(result.echoed).toBe(size);
      expect(result.echoedChecksum).toBe(result.sentChecksum);
      expect(serverSide.bytes).toBe(size);
      expect(serverSide.checksum).toBe(result.sentChecksum);
      expect(result.encrypted).toBe(false);
      expect(result.endError).toBeNull();

      // Abrupt closes both ways, through the browser's own WebSocket.
      const abrupt: AbruptResult = await tab.evaluate(
        (port) => window.runAbrupt(port),
        listener.address.port,
      );
      expect(abrupt.ownClosed).toBe('page gave up');
      expect(abrupt.peerResetCode).toBe('RESET');
      expect(abrupt.peerResetEnd).toMatch(/closed abruptly \(code 1006/);
      await within(
        (async () => {
          while (serverSide.abruptEnds.length === 0) await new Promise((r) => setTimeout(r, 5));
        })(),
        5_000,
        'server sees the page vanish',
      );
      expect(serverSide.abruptEnds[0]).toMatchObject({
        name: 'TransportError',
        code: 'RESET',
        message: expect.stringMatching(/code 4000, destroyed/),
      });
    } finally {
      await context.close();
    }
  }, 90_000);
});
