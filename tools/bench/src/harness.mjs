// Shared benchmark harness: side-by-side measurement, medians, ratio rows, JSON output.
// Conventions: each suite measures ours and the peer in one process,
// alternating, after a warm-up, reports the median of several runs, prints a table and
// writes tools/bench/out/<suite>.json as rows
// { suite, workload, op, unit, ours, peer, theirs, ratio } where ratio = how many times
// better we are (ours/theirs for throughput, theirs/ours for time or memory).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');

/** Run `fn` repeatedly for at least `minMs`; `fn` returns the units it processed (sync or async).
 *  Returns units per second. */
export async function throughput(fn, { minMs = 400 } = {}) {
  let units = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const r = fn();
    units += typeof r === 'number' ? r : await r;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return units / (elapsed / 1000);
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Compare ours vs a peer on one workload. `ours`/`theirs` are functions returning units processed.
 * higherIsBetter: true for throughput units (records/s, MB/s), false for time/memory.
 * `measureWith` defaults to throughput(); pass a custom async (fn) => number for other metrics.
 */
export async function compare({
  suite,
  workload,
  op,
  unit,
  ours,
  theirs,
  peer = 'neo4j-driver',
  runs = 5,
  minMs = 400,
  warmupMs = 300,
  higherIsBetter = true,
  measureWith,
}) {
  const measure = measureWith ?? ((fn) => throughput(fn, { minMs }));
  await throughput(ours, { minMs: warmupMs });
  await throughput(theirs, { minMs: warmupMs });
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    a.push(await measure(ours));
    globalThis.gc?.();
    b.push(await measure(theirs));
  }
  return row({
    suite,
    workload,
    op,
    unit,
    ours: median(a),
    peer,
    theirs: median(b),
    higherIsBetter,
  });
}

/** Build a result row from already measured medians. */
export function row({ suite, workload, op, unit, ours, peer, theirs, higherIsBetter = true }) {
  const ratio = higherIsBetter ? ours / theirs : theirs / ours;
  return { suite, workload, op, unit, ours, peer, theirs, ratio };
}

function fmt(n) {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(2);
}

export function printTable(rows) {
  const header = ['workload', 'op', 'unit', 'ours', 'peer', 'theirs', 'ratio'];
  const lines = rows.map((r) => [
    r.workload,
    r.op,
    r.unit,
    fmt(r.ours),
    r.peer,
    fmt(r.theirs),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(line(l));
}

/** Write tools/bench/out/<suite>.json and print the table. */
export function report(suite, rows) {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, `${suite}.json`), `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\n== ${suite} (${new Date().toISOString()}, node ${process.version}) ==`);
  printTable(rows);
  console.log(`wrote ${join(OUT_DIR, `${suite}.json`)}`);
}
