#!/usr/bin/env node
// Runs testkit's stub suite against @bolt/client through this backend, without docker.
//
//   node tools/testkit-backend/run.mjs [target ...] [--exclude=folder,...] [--no-build] [--keep] [--verbose]
//
// target: a stub folder ("basic_query") or a dotted test name
// ("tests.stub.basic_query.test_basic_query.TestBasicQuery"); none = all of tests.stub.
// --exclude (without targets): every stub folder but these, e.g. --exclude=routing.
// Environment: TESTKIT_DIR (default /work/testkit), TEST_STUB_HOST (default 127.0.0.1),
// TEST_DRIVER_NAME (default javascript), TEST_BACKEND_PORT (default 9876),
// TESTKIT_LOCK (default /tmp/testkit.lock), PYTHON (default /usr/bin/python3).
//
// Stub servers use fixed ports (9000-9060), so only one run may be under way on a machine:
// the runner re-starts itself under `flock $TESTKIT_LOCK` and waits for the lock.
// The testkit checkout is never modified: it is copied to a temporary folder, where the stub
// server is made to listen on TEST_STUB_HOST instead of 0.0.0.0.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
let targets = args.filter((a) => !a.startsWith('--'));
const excluded = args
  .filter((a) => a.startsWith('--exclude='))
  .flatMap((a) => a.slice('--exclude='.length).split(','))
  .filter(Boolean);
if (excluded.length > 0 && targets.length > 0) {
  console.error('--exclude is for a run over every stub folder: give targets or --exclude');
  process.exit(2);
}
const env = {
  TESTKIT_DIR: process.env.TESTKIT_DIR ?? '/work/testkit',
  TEST_STUB_HOST: process.env.TEST_STUB_HOST ?? '127.0.0.1',
  TEST_DRIVER_NAME: process.env.TEST_DRIVER_NAME ?? 'javascript',
  TEST_BACKEND_PORT: process.env.TEST_BACKEND_PORT ?? '9876',
  TESTKIT_LOCK: process.env.TESTKIT_LOCK ?? '/tmp/testkit.lock',
  PYTHON: process.env.PYTHON ?? '/usr/bin/python3',
};

// ---- one run at a time ----------------------------------------------------------------------
if (process.env.BOLT_TESTKIT_LOCKED !== '1') {
  console.log(`waiting for ${env.TESTKIT_LOCK} ...`);
  const r = spawnSync('flock', [env.TESTKIT_LOCK, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BOLT_TESTKIT_LOCKED: '1' },
  });
  process.exit(r.status ?? 1);
}

if (!existsSync(join(env.TESTKIT_DIR, 'tests', 'stub'))) {
  console.error(`no testkit checkout at ${env.TESTKIT_DIR} (set TESTKIT_DIR)`);
  process.exit(2);
}

// ---- the fixed ports must be free (a stub server left behind would fail every later test) ------
{
  const ss = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  const taken = (ss.stdout ?? '').split('\n').filter((line) => {
    const m = /:(\d+)\s/.exec(`${line.replace(/\s+/g, ' ').split(' ')[3]} `);
    const port = m ? Number(m[1]) : 0;
    return (port >= 9000 && port <= 9060) || port === Number(env.TEST_BACKEND_PORT);
  });
  if (taken.length > 0) {
    console.error(
      `ports testkit needs are taken (stop these processes first):\n${taken.join('\n')}`,
    );
    process.exit(2);
  }
}

// ---- build the backend (turbo skips it when nothing changed) ----------------------------------
if (!flags.has('--no-build')) {
  const b = spawnSync(
    'pnpm',
    ['turbo', 'run', 'build', '--filter=@bolt/testkit-backend...', '--output-logs=errors-only'],
    { cwd: root, stdio: 'inherit' },
  );
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// ---- a patched copy of testkit ----------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'bolt-testkit-'));
const copy = join(work, 'testkit');
const runTmp = join(work, 'tmp');
cpSync(env.TESTKIT_DIR, copy, { recursive: true, filter: (src) => !src.endsWith('/.git') });
const sharedPy = join(copy, 'tests', 'stub', 'shared.py');
const original = readFileSync(sharedPy, 'utf8');
const patched = original.replace('"0.0.0.0:%d" % self.port', '"%s:%d" % (self.host, self.port)');
if (patched === original) {
  console.error(`cannot patch the stub server's listen address in ${sharedPy}: testkit changed`);
  process.exit(2);
}
writeFileSync(sharedPy, patched);
if (excluded.length > 0) {
  const stubDir = join(copy, 'tests', 'stub');
  targets = readdirSync(stubDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(stubDir, d.name, '__init__.py')))
    .map((d) => d.name)
    .filter((name) => !excluded.includes(name))
    .sort();
}
spawnSync('mkdir', ['-p', runTmp]);

// ---- backend, then the tests ------------------------------------------------------------------
const children = [];
const cleanUp = () => {
  for (const c of children) if (c.exitCode === null && c.pid) killGroup(c.pid);
  if (!flags.has('--keep')) rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

const backendLog = join(work, 'backend.log');
const backend = spawn(process.execPath, [join(here, 'dist', 'main.js')], {
  env: { ...process.env, TEST_BACKEND_PORT: env.TEST_BACKEND_PORT },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
children.push(backend);
const backendLines = [];
backend.stderr.on('data', (b) => backendLines.push(b.toString()));
await new Promise((resolve, reject) => {
  backend.once('exit', (code) =>
    reject(new Error(`the backend exited (${code}): ${backendLines.join('')}`)),
  );
  backend.stdout.on('data', (b) => {
    backendLines.push(b.toString());
    if (b.toString().includes('listening')) resolve();
  });
}).catch((e) => {
  console.error(e.message);
  cleanUp();
  process.exit(2);
});

const testLog = join(work, 'tests.log');
const results = [];
const start = Date.now();
const exitCode = await new Promise((resolve) => {
  const py = spawn(env.PYTHON, [join(here, 'runner', 'stub_report.py'), ...targets], {
    cwd: copy,
    env: {
      ...process.env,
      PYTHONPATH: copy,
      PYTHONUNBUFFERED: '1',
      TMPDIR: runTmp,
      TEST_DRIVER_NAME: env.TEST_DRIVER_NAME,
      TEST_BACKEND_HOST: '127.0.0.1',
      TEST_BACKEND_PORT: env.TEST_BACKEND_PORT,
      TEST_STUB_HOST: env.TEST_STUB_HOST,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(py);
  const log = [];
  py.stdout.on('data', (b) => log.push(b.toString()));
  py.stderr.on('data', (b) => {
    log.push(b.toString());
    if (flags.has('--verbose')) process.stderr.write(b);
  });
  createInterface({ input: py.stdio[3] }).on('line', (line) => {
    const r = JSON.parse(line);
    results.push(r);
    const mark = r.outcome === 'passed' ? 'ok  ' : r.outcome === 'failed' ? 'FAIL' : 'skip';
    console.log(`${mark} ${r.id.replace(/^tests\./, '')}${r.reason ? `  (${r.reason})` : ''}`);
  });
  py.on('exit', (code) => {
    writeFileSync(testLog, log.join(''));
    resolve(code);
  });
});
writeFileSync(backendLog, backendLines.join(''));
if (backend.exitCode === null && backend.pid) killGroup(backend.pid);

// ---- report -----------------------------------------------------------------------------------
// Counted per unique test id: testkit discovers some classes twice (a module imports another's
// test class), so one method can run twice under one id. It counts once: failed if any run
// failed, skipped only if every run was skipped, else passed.
const rank = { failed: 2, passed: 1, skipped: 0 };
const byId = new Map();
for (const r of results) {
  const seen = byId.get(r.id);
  if (!seen || rank[r.outcome] > rank[seen.outcome]) byId.set(r.id, r);
}
const unique = [...byId.values()];
const ranTwice = results.length - unique.length;
const folders = new Map();
for (const r of unique) {
  const folder = r.id.split('.')[2] ?? r.id;
  const f = folders.get(folder) ?? { passed: 0, failed: 0, skipped: 0 };
  f[r.outcome]++;
  folders.set(folder, f);
}
const failed = unique.filter((r) => r.outcome === 'failed');
if (failed.length > 0) {
  console.log('\nfailed:');
  for (const r of failed) {
    console.log(`  ${r.id}`);
    if (flags.has('--verbose') && r.detail) console.log(r.detail.replace(/^/gm, '      '));
  }
}
const reasons = new Map();
for (const r of unique)
  if (r.outcome === 'skipped') reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
if (reasons.size > 0) {
  console.log('\nskip reasons:');
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(n).padStart(4)}  ${reason}`);
}
console.log(
  `\n${'folder'.padEnd(24)} ${'passed'.padStart(6)} ${'failed'.padStart(6)} ${'skipped'.padStart(7)}`,
);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const [folder, f] of [...folders].sort()) {
  console.log(
    `${folder.padEnd(24)} ${String(f.passed).padStart(6)} ${String(f.failed).padStart(6)} ${String(f.skipped).padStart(7)}`,
  );
  for (const k of Object.keys(total)) total[k] += f[k];
}
const minutes = ((Date.now() - start) / 60000).toFixed(1);
if (flags.has('--keep')) console.log(`\nlogs kept in ${work} (tests.log, backend.log)`);
else if (exitCode !== 0 && results.length === 0) console.log(readFileSync(testLog, 'utf8'));
console.log(
  `(${minutes} min; python exit code ${exitCode}; ${results.length} runs of ${unique.length} test ids` +
    `${ranTwice > 0 ? `, ${ranTwice} ran more than once and count once` : ''})`,
);
cleanUp();
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || results.length === 0 ? 1 : 0);

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
