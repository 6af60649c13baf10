/**
 * Runs the `bolt` command as a process, built from the current source (the workspace packages
 * bundled in through their "source" entries, so no stale build is ever tested).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

let built: Promise<string> | undefined;

/** The path of a freshly built `bolt.js`. */
export function boltBinary(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'bolt-cli-'));
    process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
    await build({
      entry: { bolt: fileURLToPath(new URL('../src/bolt.ts', import.meta.url)) },
      outDir,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      noExternal: [/^@bolt\//],
      esbuildOptions(options) {
        options.conditions = ['source'];
      },
      silent: true,
      config: false,
    });
    return join(outDir, 'bolt.js');
  })();
  return built;
}

/** A running `bolt` process with its output collected line by line. */
export class BoltProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];

  constructor(binary: string, args: string[], env: Record<string, string> = {}, stdin?: string) {
    this.child = spawn(process.execPath, [binary, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    if (stdin !== undefined) this.child.stdin.end(stdin);
    const collect = (into: string[]) => {
      let partial = '';
      return (data: Buffer) => {
        const parts = (partial + data.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        into.push(...parts);
        for (const w of this.waiters.splice(0)) w();
      };
    };
    this.child.stdout.on('data', collect(this.stdout));
    this.child.stderr.on('data', collect(this.stderr));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      });
    });
  }

  /** Resolves when a stdout line matches (bounded: throws after `timeoutMs`). */
  async line(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.stdout.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(
          `no stdout line matches ${pattern}:\n${this.stdout.join('\n')}\n${this.stderr.join('\n')}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  interrupt(): void {
    this.child.kill('SIGINT');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Run `bolt` to its end (with `stdin` piped in, if given). */
export async function runBolt(args: string[], env?: Record<string, string>, stdin?: string) {
  const p = new BoltProcess(await boltBinary(), args, env, stdin);
  const code = await p.exited;
  return { code, stdout: p.stdout.join('\n'), stderr: p.stderr.join('\n') };
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export { selfSignedCert } from '@bolt/test-support';
