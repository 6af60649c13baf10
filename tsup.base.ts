import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** The constant a package's source reads its own version from: `@bolt/client` →
 *  `__BOLT_CLIENT_VERSION__`. The build replaces it with the `version` of the package.json
 *  being built; vitest.config.ts defines the same names for tests that run the sources. */
export function versionConstant(packageName: string): string {
  return `__${packageName
    .replace(/^@/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase()}_VERSION__`;
}

/** The build every package shares: ES modules (see the README, "Packaging"), `.d.ts`, source
 *  maps, ES2022, no Node assumptions unless a package says so. Class and function names are
 *  kept (`Date.name === 'Date'` in logs and stack traces, not `_Date`), and the package's
 *  version is injected where its source asks for it. */
export function packageBuild(options: Options = {}) {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    keepNames: true,
    define: { [versionConstant(manifest.name)]: JSON.stringify(manifest.version) },
    ...options,
  });
}
