// Ends a run with the plain line `N passed, M failed` (and `, K skipped`), as the test runners
// elsewhere in the repository do, after Playwright's own list. A step that did not run because
// an earlier one failed counts as failed: it was meant to run and did not pass.
export default class SummaryReporter {
  passed = 0;
  failed = 0;
  skipped = 0;

  onTestEnd(test, result) {
    if (test.outcome() === 'skipped' && test.expectedStatus === 'skipped') this.skipped++;
    else if (result.status === 'passed') this.passed++;
    else this.failed++;
  }

  onEnd(result) {
    if (result.status !== 'passed' && this.failed === 0) this.failed = 1; // timed out, interrupted, or a hook failed
    console.log(`${this.passed} passed, ${this.failed} failed${this.skipped ? `, ${this.skipped} skipped` : ''}`);
  }

  printsToStdio() {
    return true;
  }
}
