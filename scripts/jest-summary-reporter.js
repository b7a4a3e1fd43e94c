// Jest reporter that writes each project's totals to $JEST_RESULTS_DIR so `npm test` can print
// one closing line for the whole workspace.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.name = path.basename(globalConfig.rootDir);
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.JEST_RESULTS_DIR;
    if (!dir) return;
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numFailedTestSuites } = results;
    fs.writeFileSync(
      path.join(dir, `${this.name}.json`),
      JSON.stringify({ numPassedTests, numFailedTests, numPendingTests, numTodoTests, numFailedTestSuites }),
    );
  }
}

module.exports = SummaryReporter;
