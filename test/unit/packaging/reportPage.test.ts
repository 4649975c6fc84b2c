/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeNonce, reportHtml } from '../../../src/vscode/reportHtml';
import { ROOT } from '../../helpers/paths';

/**
 * The evidence report page as the webview shows it (media/report.js + report.css under the same
 * strict CSP), rendered by Debian's headless Chromium with sample evidence (sample-report.json:
 * made-up ids, timings from the H100 matmul run in bench/results). The screenshot is kept in
 * out/test-results/report-page.png.
 */
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const sample = JSON.parse(readFileSync(path.join(__dirname, 'sample-report.json'), 'utf8'));
const out = path.join(ROOT, 'out/test-results');

let server: http.Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  const nonce = makeNonce((n) => randomBytes(n));
  // The page and its assets from one origin, which stands in for `webview.cspSource`.
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(reportHtml({ cspSource: origin, nonce, scriptUri: `${origin}/media/report.js`, styleUri: `${origin}/media/report.css`, title: 'Evidence' }));
    } else if (url === '/media/report.js' || url === '/media/report.css') {
      res.writeHead(200, { 'content-type': url.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(path.join(ROOT, url)));
    } else if (url === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(readFileSync(path.join(__dirname, 'vscode-dark.css')));
    } else if (url === '/favicon.ico') {
      // Chromium asks for one; a 404 would be a console error that is not the page's.
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('the evidence report page', () => {
  test('draws the sample evidence with its chart under the strict CSP, without console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1300 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    // The webview's API, as VS Code injects it before any page script runs (outside the page's CSP).
    await page.addInitScript(() => {
      const w = window as unknown as { posted: unknown[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      let state: unknown;
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m), getState: () => state, setState: (s: unknown) => (state = s) });
    });
    await page.goto(`${origin}/`);
    await page.addStyleTag({ url: `${origin}/theme.css` });
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
    await page.evaluate((report) => window.postMessage({ type: 'report', report, applicable: true }, '*'), sample);
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'rendered'));

    const rendered = await page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted.find((m) => m.type === 'rendered'));
    expect(rendered).toMatchObject({ chart: true, applicable: true, id: sample.candidate.id });
    // One point per timing on the speedup line, plus the ideal and efficiency lines.
    const points = await page.locator('#chart polyline.speedup').getAttribute('points');
    expect(points!.trim().split(/\s+/)).toHaveLength(sample.evidence.timings.length);
    expect(await page.locator('#chart polyline.ideal').count()).toBe(1);
    expect(await page.locator('#chart polyline.efficiency').count()).toBe(1);
    expect(await page.locator('#verdict').textContent()).toContain('VERIFIED');
    expect(await page.locator('#diff .add').first().textContent()).toContain('#pragma omp parallel for collapse(2)');
    expect(await page.locator('#lineage li').count()).toBe(sample.lineage.length);
    // The runner's newer fields: what was checked, and what the original already had.
    expect(await page.locator('#checks').textContent()).toMatch(/outputs compared at1, 2, 3, 4, 7, 16 threads[\s\S]*tolerance/);
    expect(await page.locator('#pre-existing li').count()).toBe(1);
    await page.locator('#apply').click();
    const posted = await page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted.map((m) => m.type));
    expect(posted).toContain('apply');

    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, 'report-page.png') });
    expect(errors).toEqual([]);
  });

  test('the CSP blocks an inline script the page did not nonce', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.addInitScript(() => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });
    });
    await page.goto(`${origin}/`);
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    expect(violations.join('\n')).toMatch(/Content Security Policy/);
  });
});
