import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/reporters';

/** Ends the run with the plain line 'N passed, N failed, N skipped' that CI reads in any language. */
export default class SummaryLine implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (task: RunnerTask): void => {
      if (task.type === 'test') {
        const state = task.result?.state;
        if (state === 'pass') passed++;
        else if (state === 'fail') failed++;
        else skipped++;
      } else if ('tasks' in task) {
        for (const child of task.tasks) walk(child);
      }
    };
    for (const file of files) {
      const before = failed;
      walk(file);
      // A file that failed outside any test (an import, a beforeAll) counts as one failure.
      if (file.result?.state === 'fail' && failed === before) failed++;
    }
    failed += errors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
