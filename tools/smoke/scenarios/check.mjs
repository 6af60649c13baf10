// A tiny reporter shared by the scenarios: one line per check, `ok - name` or
// `not ok - name: reason`, and a non-zero exit code when any check failed.
let failed = 0;

/** Run one named check; a throw or a false result fails it. */
export async function check(name, fn) {
  try {
    const r = await fn();
    if (r === false) throw new Error('returned false');
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(
      `not ok - ${name}: ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 3)
        .join(' | ')}`,
    );
  }
}

/** Throw unless `a` and `b` are the same (`Object.is`). */
export function same(a, b, what = 'value') {
  if (!Object.is(a, b)) throw new Error(`${what}: expected ${String(b)}, got ${String(a)}`);
}

/** Set the exit code from the checks run so far. */
export function done() {
  process.exitCode = failed > 0 ? 1 : 0;
}
