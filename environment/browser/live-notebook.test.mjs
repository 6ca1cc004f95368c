// The interactive path: `jupyter notebook` on loopback with a token, a short notebook opened in
// headless Chromium, "Run All" clicked in the menu, and an image and a plot checked in the live page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { launchChromium, offlinePage } from './browser.mjs';

const JUPYTER = process.env.JUPYTER ?? '/usr/bin/jupyter';
// Debian 12's Node.js is 18, which has no import.meta.dirname.
const HERE = dirname(fileURLToPath(import.meta.url));
const token = randomBytes(16).toString('hex');
let notebookDir;
let server;
let port;
let browser;

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
}

async function waitForServer(url, deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${url}`);
}

before(async () => {
  notebookDir = mkdtempSync(join(tmpdir(), 'aelab-live-'));
  copyFileSync(join(HERE, 'fixtures', 'live.ipynb'), join(notebookDir, 'live.ipynb'));
  port = await freePort();
  server = spawn(JUPYTER, ['notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`,
    '--port-retries=0', `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk) => { log += chunk; });
  server.on('exit', (code) => { if (code) console.error(`jupyter notebook exited ${code}:\n${log}`); });
  await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, Date.now() + 60_000);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  await new Promise((r) => (server?.exitCode !== null ? r() : server.on('exit', r)));
  rmSync(notebookDir, { recursive: true, force: true });
});

test('Run All in the live notebook shows an image and a plot', { timeout: 180_000 }, async () => {
  const { page, problems, close } = await offlinePage(browser);
  try {
    // Not the 'load' event: on a busy machine the notebook's many scripts can take longer than its 30 s default.
    await page.goto(`http://127.0.0.1:${port}/notebooks/live.ipynb?token=${token}`,
      { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 60_000 });
    await page.click('#celllink');
    await page.click('#run_all_cells');

    const image = await page.waitForSelector('.output_area img', { timeout: 120_000 });
    const width = await image.evaluate((img) => img.complete ? img.naturalWidth
      : new Promise((r) => { img.onload = () => r(img.naturalWidth); img.onerror = () => r(0); }));
    assert.ok(width > 0, 'the image output decoded');

    await page.waitForSelector('.output_area .js-plotly-plot .main-svg', { timeout: 60_000 });
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 60_000 });
    const errors = await page.$$eval('.output_error, .output_stderr', (nodes) => nodes.map((n) => n.textContent));
    assert.deepEqual(errors, [], 'no cell printed an error');
    await page.screenshot({ path: join(process.env.SITE_DIR ?? tmpdir(), 'live-notebook.png'), fullPage: true });
    assert.deepEqual(problems.filter((p) => !p.includes('/api/kernelspecs') && !p.includes('favicon')), [],
      'problems in the browser');
  } finally {
    await close();
  }
});
