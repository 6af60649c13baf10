import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The workspace's own wiring: every task turbo knows runs something somewhere.
const root = join(__dirname, '..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const workspaces = ['packages', 'tools'].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => json(`${dir}/${name}/package.json`)),
);

describe('workspace', () => {
  it('every turbo task is a script of at least one workspace package (none is a no-op)', () => {
    const tasks = Object.keys(json('turbo.json').tasks);
    const empty = tasks.filter((task) => !workspaces.some((pkg) => pkg.scripts?.[task]));
    expect(empty, 'turbo tasks that no package defines').toEqual([]);
  });

  it('the root scripts that go through turbo name tasks turbo knows', () => {
    const tasks = new Set(Object.keys(json('turbo.json').tasks));
    for (const [name, script] of Object.entries<string>(json('package.json').scripts)) {
      for (const m of script.matchAll(/turbo run (\S+)/g))
        expect(tasks.has(m[1]), `root script ${name} runs turbo task ${m[1]}`).toBe(true);
    }
  });
});
