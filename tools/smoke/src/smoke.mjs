#!/usr/bin/env node
// Checks what is published rather than the sources:
// 1. packs every public package with `pnpm pack` (workspace ranges replaced, as on publish);
// 2. lints each tarball with publint and @arethetypeswrong/cli, and looks inside it (LICENSE,
//    README, the examples its README names);
// 3. installs the tarballs with npm into a new project in the OS temp folder, outside the
//    workspace, so nothing resolves to the sources;
// 4. runs every file of ../scenarios there under Node, Bun and Deno. Bun and Deno come from the
//    npm registry (`bun`, `deno`: their binaries ship in platform packages), pinned below and
//    kept in the temp folder between runs.
//
//   node tools/smoke/src/smoke.mjs [--runtimes node,bun,deno] [--keep]
//
// Prints one line per check (`ok - …` / `not ok - …`), then `smoke: N passed, N failed`; exits
// non-zero when any check failed or a runtime could not be installed. Run `pnpm build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runtimes under test, as npm packages. */
export const RUNTIME_PACKAGES = { bun: 'bun@1.4.4', deno: 'deno@2.9.6' };
const SCENARIO_TIMEOUT_MS = 60_000;

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..', '..');
const scenarios = join(here, '..', 'scenarios');
const args = process.argv.slice(2);
const runtimes = (args.includes('--runtimes') ? args[args.indexOf('--runtimes') + 1] : '')
  .split(',')
  .filter((r) => r in { node: 1, bun: 1, deno: 1 });
if (runtimes.length === 0) runtimes.push('node', 'bun', 'deno');
const keep = args.includes('--keep');
const started = Date.now();
let passed = 0;
let failed = 0;

function record(ok, name, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${detail ? `: ${detail}` : ''}`);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const tail = (text) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .slice(-6)
    .join(' | ');

function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

/** The packages npm would publish: every non-private package under packages/. */
function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .map((name) => ({ dir: join(root, 'packages', name), name }))
    .filter((p) => existsSync(join(p.dir, 'package.json')))
    .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private);
}

const work = mkdtempSync(join(tmpdir(), 'bolt-smoke-'));
try {
  const packages = publicPackages();
  for (const p of packages)
    if (!existsSync(join(p.dir, 'dist')))
      throw new Error(`${p.manifest.name} has no dist/: run pnpm build first`);

  // 1. Pack, and look inside each tarball.
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const files = [];
  for (const p of packages) {
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir });
    const file = readdirSync(tarballs).find((f) => !before.has(f));
    files.push(join(tarballs, file));
    const listing = run('tar', ['tzf', join(tarballs, file)])
      .split('\n')
      .map((l) => l.replace(/^package\//, ''));
    const has = (f) => listing.includes(f);
    record(has('LICENSE'), `tarball ${p.manifest.name} contains LICENSE`);
    record(has('README.md'), `tarball ${p.manifest.name} contains README.md`);
    const readme = readFileSync(join(p.dir, 'README.md'), 'utf8');
    const mentioned = [...new Set([...readme.matchAll(/`(examples\/[^`\s]+)`/g)].map((m) => m[1]))];
    for (const example of mentioned)
      record(has(example), `tarball ${p.manifest.name} contains ${example} (named in its README)`);
    const tgz = join(tarballs, file);
    const lint = spawnSync(bin('publint'), ['run', tgz, '--strict'], { encoding: 'utf8' });
    record(
      lint.status === 0,
      `publint ${p.manifest.name}`,
      lint.status === 0 ? '' : tail(lint.stdout + lint.stderr),
    );
    // require(esm) (Node 20.19+, Bun, Deno) loads the ESM build; attw does not model it yet and
    // would flag every require as "dynamic import only", so that one rule is ignored. node10
    // resolution (TypeScript's moduleResolution "node") predates exports maps: not checked.
    const types = spawnSync(
      bin('attw'),
      [
        tgz,
        '--profile',
        'node16',
        '--ignore-rules',
        'cjs-resolves-to-esm',
        '--format',
        'ascii',
        '--no-color',
      ],
      { encoding: 'utf8' },
    );
    record(
      types.status === 0,
      `attw ${p.manifest.name}`,
      types.status === 0 ? '' : tail(types.stdout + types.stderr),
    );
    const manifest = JSON.parse(run('tar', ['xzOf', tgz, 'package/package.json']));
    const workspaceRefs = JSON.stringify(manifest).includes('workspace:');
    record(!workspaceRefs, `tarball ${p.manifest.name} has no workspace: ranges left`);
  }

  // 2. A fresh project outside the workspace, installed from the tarballs only.
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'smoke-app', private: true, version: '1.0.0' }),
  );
  for (const f of readdirSync(scenarios)) copyFileSync(join(scenarios, f), join(app, f));
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...files],
    { cwd: app },
  );
  console.log(`# installed ${files.length} tarballs into ${app}`);

  // 3. The runtimes.
  const binaries = { node: process.execPath };
  const wanted = runtimes.filter((r) => r !== 'node');
  if (wanted.length > 0) {
    const cache = join(tmpdir(), 'bolt-smoke-runtimes');
    mkdirSync(cache, { recursive: true });
    if (!existsSync(join(cache, 'package.json')))
      writeFileSync(
        join(cache, 'package.json'),
        JSON.stringify({ name: 'runtimes', private: true }),
      );
    const specs = wanted.map((r) => RUNTIME_PACKAGES[r]);
    const current = (r) => {
      const pkg = join(cache, 'node_modules', r, 'package.json');
      return (
        existsSync(pkg) &&
        `${r}@${JSON.parse(readFileSync(pkg, 'utf8')).version}` === RUNTIME_PACKAGES[r]
      );
    };
    if (!wanted.every(current))
      run('npm', ['install', '--no-audit', '--no-fund', ...specs], { cwd: cache });
    for (const r of wanted) binaries[r] = join(cache, 'node_modules', '.bin', r);
  }

  // 4. Every scenario under every runtime.
  const commands = {
    node: (file) => [binaries.node, [file]],
    bun: (file) => [binaries.bun, ['run', file]],
    deno: (file) => [binaries.deno, ['run', '--allow-all', file]],
  };
  const list = readdirSync(scenarios).filter((f) => f !== 'check.mjs');
  for (const rt of runtimes) {
    const version = spawnSync(binaries[rt], ['--version'], { encoding: 'utf8' })
      .stdout.split('\n')[0]
      .trim();
    console.log(`# ${rt} ${version}`);
    for (const file of list) {
      const [cmd, argv] = commands[rt](file);
      const r = spawnSync(cmd, argv, {
        cwd: app,
        encoding: 'utf8',
        timeout: SCENARIO_TIMEOUT_MS,
        env: { ...process.env, NO_COLOR: '1' },
      });
      const lines = (r.stdout ?? '').split('\n').filter((l) => /^(ok|not ok) - /.test(l));
      for (const line of lines) {
        const ok = line.startsWith('ok - ');
        record(ok, `[${rt}] ${line.replace(/^(ok|not ok) - /, '')}`);
      }
      // A crash, a hang (killed at the timeout) or a scenario that checked nothing.
      if (lines.length === 0 || (r.status !== 0 && lines.every((l) => l.startsWith('ok - '))))
        record(
          false,
          `[${rt}] ${file} exited ${r.status ?? r.signal}`,
          (r.stderr || r.error?.message || '').trim().split('\n').slice(0, 4).join(' | '),
        );
    }
  }
} catch (e) {
  record(
    false,
    'smoke test setup',
    String(e?.stderr || e?.message || e)
      .trim()
      .split('\n')
      .slice(0, 6)
      .join(' | '),
  );
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`# kept ${work}`);
}
console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
