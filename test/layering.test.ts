import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The package chain (packstream → chunking → parser → client, server), enforced on the source tree.
const root = join(__dirname, '..');
const allowed: Record<string, string[]> = {
  packstream: [],
  chunking: ['packstream'],
  parser: ['packstream', 'chunking'],
  'net-adapters': [],
  server: ['packstream', 'chunking', 'parser', 'net-adapters'],
  client: ['packstream', 'chunking', 'parser', 'net-adapters'],
  // the command line sits on top; no library may depend on it
  cli: ['packstream', 'chunking', 'parser', 'net-adapters', 'server', 'client'],
};
const portable = ['packstream', 'chunking', 'parser'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  return found;
}

describe('package layering', () => {
  for (const [pkg, deps] of Object.entries(allowed)) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));

    it(`@bolt/${pkg} imports only packages below it`, () => {
      for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
        for (const spec of importsOf(file)) {
          const m = /^@bolt\/([^/]+)/.exec(spec);
          if (m) expect(deps, `${file} imports ${spec}`).toContain(m[1]);
        }
      }
    });

    it(`@bolt/${pkg} declares exactly the workspace packages it may use`, () => {
      const declared = Object.keys(manifest.dependencies ?? {});
      for (const dep of declared) {
        expect(dep.startsWith('@bolt/'), `${pkg} has runtime dependency ${dep}`).toBe(true);
        expect(deps).toContain(dep.slice('@bolt/'.length));
      }
    });
  }

  for (const pkg of portable) {
    it(`@bolt/${pkg} is portable: no node:* imports, no Buffer`, () => {
      for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const spec of importsOf(file))
          expect(spec, file).not.toMatch(/^node:|^(fs|net|tls|path)$/);
        expect(/\bBuffer\b/.test(text), `${file} uses Buffer`).toBe(false);
      }
    });
  }

  // The portable entries run in browsers: nothing reachable from them may touch Node.
  const portableEntries = [
    ['net-adapters', 'index.ts'],
    ['net-adapters', 'testing.ts'],
    ['client', 'index.ts'],
  ];
  for (const [pkg, entry] of portableEntries) {
    it(`the ${entry === 'index.ts' ? 'default' : entry.replace('.ts', '')} entry of @bolt/${pkg} never reaches node:*, ws or a /node entry`, () => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const spec of importsOf(file)) {
          expect(spec, `${file} (reachable from index.ts)`).not.toMatch(
            /^node:|^ws$|^@bolt\/[^/]+\/node$/,
          );
          if (spec.startsWith('.')) visit(join(file, '..', `${spec.replace(/\.js$/, '')}.ts`));
        }
      };
      visit(join(root, 'packages', pkg, 'src', entry));
      expect(seen.size).toBeGreaterThan(1);
    });
  }
});
