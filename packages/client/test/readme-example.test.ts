import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Node } from '@bolt/packstream';
import { afterEach, expect, it, vi } from 'vitest';
import type { Driver, Session } from '../src/index.js';
import { driver as realDriver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';

// The README's first example, run as printed against a @bolt/server that knows its queries.
// Only its `driver` import is swapped for one that reaches the in-memory server.
let fx: Fixture | undefined;
let dir: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fx?.close();
  fx = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** What the example did with the driver it was given. */
interface Opened {
  drivers: Driver[];
  sessions: { session: Session; closed: boolean }[];
}

declare global {
  var __readmeDriver: typeof realDriver | undefined;
}

it('README example: runs as printed and closes every session it opens', async () => {
  const names = ['Ann', 'Bob', 'stop', ...Array.from({ length: 5000 }, (_, i) => `n${i}`)];
  let created = 0;
  fx = await memoryServer({
    run(query, parameters) {
      if (query === 'MATCH (n:Person) RETURN n LIMIT 10')
        return { fields: ['n'], records: [[new Node(1, ['Person'], { name: 'Ann' }, '4:x:1')]] };
      if (query === 'MATCH (n) RETURN n.name AS name')
        return { fields: ['name'], records: names.map((n) => [n]) };
      if (query === 'CREATE (:Person {name: $name})') {
        created++;
        expect(parameters).toEqual({ name: 'Ann' });
        return { fields: [], summary: { type: 'w', stats: { 'nodes-created': 1 } } };
      }
      if (query === 'MATCH (p:Person) RETURN count(p) AS c')
        return { fields: ['c'], records: [[created]] };
      throw new Error(`the example sent an unexpected query: ${query}`);
    },
  });
  const f = fx;
  const opened: Opened = { drivers: [], sessions: [] };
  globalThis.__readmeDriver = (url, config) => {
    expect(url).toBe('bolt://localhost:7687');
    const d = realDriver(f.url, { ...config, netModule: f.netModule });
    const session = d.session.bind(d);
    d.session = (cfg) => {
      const s = session(cfg);
      const entry = { session: s, closed: false };
      const close = s.close.bind(s);
      s.close = async () => {
        entry.closed = true;
        await close();
      };
      opened.sessions.push(entry);
      return s;
    };
    opened.drivers.push(d);
    return d;
  };
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args) => logged.push(args));

  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const code = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
  expect(code).toContain("import { auth, driver } from '@bolt/client';");
  dir = mkdtempSync(join(tmpdir(), 'client-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(
    file,
    code.replace(
      "import { auth, driver } from '@bolt/client';",
      "import { auth } from '@bolt/client';\nconst driver = globalThis.__readmeDriver!;",
    ),
  );
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    globalThis.__readmeDriver = undefined;
  }

  expect(opened.drivers).toHaveLength(1);
  expect(opened.sessions.length).toBeGreaterThan(0);
  expect(opened.sessions.filter((s) => !s.closed)).toEqual([]);
  expect(logged).toEqual([['Ann'], [0, expect.any(Number)], [1]]);
  expect(created).toBe(1);
});
