import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { versionConstant } from './tsup.base';

// Tests run against each package's TypeScript source, never a stale build:
// every `@bolt/<name>` import (and its subpath entries) is aliased to `packages/<name>/src`.
const root = fileURLToPath(new URL('.', import.meta.url));
const alias: { find: RegExp; replacement: string }[] = [];
// The versions the build injects (tsup.base.ts), so the sources see the same values.
const define: Record<string, string> = {};
for (const name of readdirSync(`${root}packages`)) {
  const src = `${root}packages/${name}/src`;
  if (!existsSync(src)) continue;
  const manifest = JSON.parse(readFileSync(`${root}packages/${name}/package.json`, 'utf8'));
  define[versionConstant(manifest.name)] = JSON.stringify(manifest.version);
  alias.push({ find: new RegExp(`^@bolt/${name}/(.+)$`), replacement: `${src}/$1.ts` });
  alias.push({ find: new RegExp(`^@bolt/${name}$`), replacement: `${src}/index.ts` });
}

export default defineConfig({
  define,
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['./test/summary-reporter.ts', 'default'],
    typecheck: { enabled: false },
  },
});
