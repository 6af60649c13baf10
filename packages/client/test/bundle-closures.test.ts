import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The built bundles keep function names, so a function made where JavaScript infers its name is
// renamed each time it is made (a property definition, ~0.3-0.5 µs, and a dictionary of
// properties on the function). On the paths a query takes, callbacks are methods of small
// objects instead; this runs the built client and server to hold them to it.

const dist = join(__dirname, '..', 'dist', 'node.js');

// It runs what `pnpm build` made (CI builds before testing), and says so when there is none.
describe.skipIf(!existsSync(dist))('the built client (skipped before `pnpm build`)', () => {
  it('renames no function per query, transaction, session or iteration', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, 'support', 'named-closures.mjs')],
      { cwd: join(__dirname, '..'), timeout: 60_000 },
    );
    const perOperation = JSON.parse(stdout) as Record<string, Record<string, number>>;
    expect(Object.keys(perOperation)).toHaveLength(6);
    expect(perOperation).toEqual({
      'session.run (one session)': {},
      'a session per query': {},
      'iterating a result': {},
      executeQuery: {},
      executeRead: {},
      'explicit transaction': {},
    });
  }, 60_000);
});
