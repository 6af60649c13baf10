import { defineConfig, type Options } from 'tsup';

/** The build every package shares: ESM only (see README, "Packaging decision"), `.d.ts`,
 *  source maps, ES2022, no Node assumptions unless a package says so. */
export function packageBuild(options: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    ...options,
  });
}
