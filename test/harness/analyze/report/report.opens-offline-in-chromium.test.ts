/**
 * report.html in a real browser: Debian's Chromium, headless, driven by playwright-core. The page written by the
 * built `analyze` command is loaded from file:// with every other request refused (route abort), and must attempt
 * none, log no console error, and show every chart as an SVG with marks in it. A full-page screenshot is saved in
 * the test's temporary directory and checked to be a PNG. Chromium comes from scripts/test-setup.sh (`pretest`);
 * without it the test skips, saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { REPORT_FILE } from '../../../../harness/analyze/report/html.js';
import { CLI } from '../../../support/cli.js';
import { writeSyntheticRun } from '../../../support/run-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CHARTS = ['duration-vs-memory', 'speedup-vs-vcpu', 'cost-vs-duration', 'init-vs-memory'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-report-browser-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('report.html opens offline in headless Chromium: no request, no console error, every chart drawn', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed: scripts/test-setup.sh installs Debian's chromium when run as root`);
    return;
  }
  const dir = path.join(root, 'run');
  writeSyntheticRun(dir);
  const analyzed = spawnSync(process.execPath, [CLI, 'analyze', dir], { encoding: 'utf8' });
  assert.equal(analyzed.status, 0, analyzed.stderr);
  const file = path.join(dir, REPORT_FILE);
  assert.ok(analyzed.stdout.includes(file), 'analyze names the report it wrote');

  const context = await chromium.launchPersistentContext(path.join(root, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    // Every request that is not for a file is aborted (routed) and noted twice: by the route and by the event.
    const aborted: string[] = [];
    const requested: string[] = [];
    context.on('request', (request) => {
      if (!request.url().startsWith('file://')) requested.push(request.url());
    });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      aborted.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    assert.ok(response === null || response.ok(), 'the page loads');

    assert.deepEqual(aborted, [], 'no request other than the file itself');
    assert.deepEqual(requested, [], 'no request other than the file itself');
    assert.deepEqual(errors, [], 'no console error');
    assert.match(await page.title(), /vcpu-bench report: synthetic/);
    assert.match((await page.locator('.banner').first().textContent()) ?? '', /^Emulated\./);

    const charts = await page.locator('figure.chart').evaluateAll((figures) =>
      figures.map((figure) => ({
        id: figure.getAttribute('data-chart'),
        svgs: figure.querySelectorAll('svg').length,
        // Vega's data marks are groups of role "mark"; axes, legends and titles have roles of their own.
        marks: figure.querySelectorAll('svg g.role-mark > *').length,
        width: figure.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      })),
    );
    assert.deepEqual(
      charts.map((c) => c.id),
      CHARTS,
    );
    for (const chart of charts) {
      assert.equal(chart.svgs, 1, `${chart.id}: one SVG`);
      assert.ok(chart.marks > 0, `${chart.id}: has marks`);
      assert.ok(chart.width > 100, `${chart.id}: laid out (${chart.width} px wide)`);
    }

    const screenshot = path.join(root, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = readFileSync(screenshot);
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'the screenshot is a PNG');
    assert.ok(png.length > 10_000, `a page with charts, not a blank one (${png.length} bytes)`);
    t.diagnostic(`screenshot: ${screenshot} (${png.length} bytes; removed with the test's temporary directory)`);

    // The instrument can fail: a page that does reach out is seen, and refused.
    const probe = await context.newPage();
    await probe.setContent('<img src="http://example.invalid/pixel.png">', { waitUntil: 'load' });
    assert.deepEqual(aborted, ['http://example.invalid/pixel.png']);
    assert.deepEqual(requested, ['http://example.invalid/pixel.png']);
  } finally {
    await context.close();
  }
});
