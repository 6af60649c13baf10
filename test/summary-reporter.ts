import type { Reporter, TestModule } from 'vitest/node';

/** Prints one plain closing line, `tests: N passed, N failed[, N skipped]`, after the run. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.state() === 'failed' && mod.children.size === 0) failed++;
    }
    const tail = skipped ? `, ${skipped} skipped` : '';
    // Printed at exit so it is the last line, after vitest's own summary.
    process.once('exit', () => {
      process.stdout.write(`tests: ${passed} passed, ${failed} failed${tail}\n`);
    });
  }
}
