// `pnpm bench` runs every suite; `pnpm bench <suite> [...]` runs the named ones.
// Each suite is src/suites/<name>.mjs exporting `async function run(): Promise<Row[]>`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './harness.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = wanted.length ? wanted : available;
for (const name of suites) {
  if (!available.includes(name)) {
    console.error(`unknown suite "${name}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  const { run } = await import(join(dir, `${name}.mjs`));
  report(name, await run());
}
