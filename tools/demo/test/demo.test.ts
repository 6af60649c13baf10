import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without type declarations
import { runDemo } from '../src/demo.mjs';

describe('the README demo', () => {
  it('runs the whole dialogue against the embedded server', async () => {
    const lines: string[] = [];
    const facts = await runDemo({ out: (l: string) => lines.push(l), env: {} });
    const text = lines.join('\n');

    // Part 1: the raw connection shows the wire and every step of the dialogue.
    expect(facts.version).toMatch(/^\d+\.\d+$/);
    expect(facts.server).toBe('BoltDemo/0.1.0');
    expect(text).toMatch(/C: HELLO/);
    expect(text).toMatch(/C: RUN "RETURN 1 AS num"/);
    expect(text).not.toMatch(/password/); // credentials are redacted in the wire log
    expect(facts.returnOne).toBe(1);
    expect(facts.pipelined).toEqual([1, 1]);
    expect(facts.errorCode).toBe('Neo.ClientError.Statement.SyntaxError');
    expect(text).toMatch(/C: RESET/);
    expect(facts.stats).toEqual({ 'nodes-created': 1 });
    expect(facts.planRoot).toBe('ProduceResults');
    expect(facts.notifications).toEqual([
      'Neo.ClientNotification.Statement.CartesianProductWarning',
    ]);
    expect(facts.nodes).toBe(4); // three people + the created node

    // Part 2: the driver API.
    expect(facts.streamedSum).toBe((2500 * 2501) / 2);
    expect(facts.knows).toBe(2);
    // the commit hook's bookmark reached the session
    expect(facts.bookmarks).toEqual([expect.stringMatching(/^FB:demo:\d+$/)]);

    // Part 3: the official driver sees the same data and the same error code.
    expect(facts.officialNodes).toBe(5); // + the node executeWrite created
    expect(facts.officialErrorCode).toBe('Neo.ClientError.Statement.SyntaxError');
  });
});

describe('the demo against a server that rejects the password', () => {
  it('prints the error message, kind and code, not a stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { createServer } = await import('@bolt/server');
    const { tcp } = await import('@bolt/net-adapters/node');
    const server = createServer({
      handler: { authenticate: () => undefined, run: () => [] },
    });
    const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    try {
      // main.mjs runs the built packages (pnpm build comes before pnpm test).
      const child = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.mjs')], {
          env: {
            ...process.env,
            BOLT_URI: `bolt://127.0.0.1:${listener.address.port}`,
            BOLT_USER: 'neo4j',
            BOLT_PASSWORD: 'wrong',
            BOLT_DEBUG: '',
          },
        });
        let stderr = '';
        p.stderr.on('data', (d) => (stderr += d));
        p.on('close', (status) => resolve({ status, stderr }));
      });
      expect(child.status).toBe(1);
      expect(child.stderr).toMatch(
        /^demo failed: .+ \(kind server, code Neo\.ClientError\.Security\.Unauthorized\)\n$/,
      );
      expect(child.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await listener.close();
      await server.close({ graceMs: 0 });
    }
  }, 30_000);
});
