// Entry point loaded by the extension host (extensionTestsPath): runs every *.test.js next to it
// with mocha (tdd UI), or, when PARAFORGE_BENCH=1, every *.bench.js instead (benchmarks of the real
// editor path; bench/code-actions.bench.ts drives them). Must export run().
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // scripts/run-integration.mjs passes a report file through the server's environment, which the
  // extension host inherits; mocha's output is copied there so the runner can print it without
  // the workbench's own log lines around it.
  const report = process.env.VSCODE_TEST_REPORT;
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    if (report) fs.appendFileSync(report, util.format(...args) + '\n');
    original(...args);
  };
  base.consoleLog(
    `VS Code ${vscode.version} (${vscode.env.appName}, uiKind ${vscode.env.uiKind}), extension host on Node ${process.version}`,
  );
  const grep = process.env.VSCODE_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000, reporter: 'spec', ...(grep ? { grep } : {}) });
  // Benchmarks never run with the tests: they take minutes and assert little; the tests never run
  // with the benchmarks: their edits and open editors would land in the timings.
  // The Restricted Mode pass (an untrusted workspace, scripts/run-integration.mjs) runs only its own files.
  const suffix = process.env.PARAFORGE_BENCH === '1' ? '.bench.js' : process.env.PARAFORGE_RESTRICTED === '1' ? '.restricted.js' : '.test.js';
  // Sorted, so the activation suite (which must see the extension before anything opens) runs first.
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith(suffix)) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The runner's stats count only the tests that ran (a grep leaves the others out).
      base.consoleLog(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
  });
}
