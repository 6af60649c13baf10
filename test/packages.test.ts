import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What every published package.json promises. The tarballs themselves are checked by
// `pnpm smoke` (tools/smoke): packed, installed outside the workspace, run under Node, Bun, Deno.
const root = join(__dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => !p.manifest.private);

const PRIVATE_DOCS = /\.\.\/shared|\bBOLT\.md|ARCHITECTURE\.md|STYLE\.md/;

/** Every .ts file below `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Every leaf object of an exports map (the objects whose values are file paths). */
function leaves(exp: unknown, path = '.'): { path: string; conditions: Record<string, string> }[] {
  if (typeof exp === 'string') return [{ path, conditions: { default: exp } }];
  const entries = Object.entries(exp as Record<string, unknown>);
  if (entries.every(([, v]) => typeof v === 'string'))
    return [{ path, conditions: exp as Record<string, string> }];
  return entries.flatMap(([k, v]) => (typeof v === 'string' ? [] : leaves(v, `${path} ${k}`)));
}

describe('published packages', () => {
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');

  it('the repository has the Apache-2.0 LICENSE its package.json files name', () => {
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
  });

  for (const { dir, manifest } of packages) {
    it(`${manifest.name} ships the same LICENSE (npm packs it from the package folder)`, () => {
      expect(manifest.license).toBe('Apache-2.0');
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(license);
    });

    it(`${manifest.name}: every export resolves for require() too, to the one ESM file`, () => {
      for (const { path, conditions } of leaves(manifest.exports)) {
        if (path.startsWith('./package.json')) continue;
        // 'default' matches import and require alike: one file, so one copy of each class.
        expect(Object.keys(conditions), `${path}`).not.toContain('import');
        expect(Object.keys(conditions), `${path}`).not.toContain('require');
        expect(conditions.default, `${path}`).toMatch(/^\.\/dist\/.+\.js$/);
        if (conditions.types)
          expect(conditions.types).toBe(conditions.default.replace(/\.js$/, '.d.ts'));
      }
    });
  }
});

// What a user reads on the package page must point only at what they have: the package's own
// files, or public pages.
describe('package READMEs', () => {
  for (const { dir, manifest } of packages) {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const shipped: string[] = manifest.files;

    it(`${manifest.name}: no links to the project's private docs`, () => {
      expect(readme).not.toMatch(PRIVATE_DOCS);
    });

    // Comments ship too (in the declaration files and source maps).
    it(`${manifest.name}: no source file points at the project's private docs`, () => {
      for (const file of sourceFiles(join(dir, 'src')))
        expect(readFileSync(file, 'utf8'), file).not.toMatch(PRIVATE_DOCS);
    });

    it(`${manifest.name}: every examples/ file it names exists and is packed`, () => {
      for (const [, path] of readme.matchAll(/`(examples\/[^`\s]+)`/g)) {
        expect(existsSync(join(dir, path)), `${path} exists`).toBe(true);
        expect(shipped, `files includes ${path.split('/')[0]}`).toContain(path.split('/')[0]);
      }
    });

    it(`${manifest.name}: relative links lead to packed files`, () => {
      for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)) {
        const top = target.replace(/^\.\//, '').split('/')[0];
        expect(existsSync(join(dir, target)), `${target} exists`).toBe(true);
        expect([...shipped, 'README.md', 'LICENSE', 'package.json'], target).toContain(top);
      }
    });

    it(`${manifest.name}: install commands use npm, as every other README does`, () => {
      const shell = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
      expect(shell).not.toMatch(/\b(pnpm|yarn|bun) add\b/);
      expect(shell).toMatch(new RegExp(`npm install [^\\n]*${manifest.name}`));
    });
  }
});
