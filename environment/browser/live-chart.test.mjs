// The live loss chart: in a running `jupyter notebook`, a short training run (fixtures/live-chart.ipynb)
// shows its loss chart below the progress line while the cell runs, and the chart gains points in
// place, one output all along.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, offlinePage, startNotebookServer } from './browser.mjs';

// Debian 12's Node.js is 18, which has no import.meta.dirname.
const HERE = dirname(fileURLToPath(import.meta.url));
let notebookDir;
let server;
let browser;

before(async () => {
  notebookDir = mkdtempSync(join(tmpdir(), 'aelab-live-chart-'));
  copyFileSync(join(HERE, 'fixtures', 'live-chart.ipynb'), join(notebookDir, 'live-chart.ipynb'));
  server = await startNotebookServer(notebookDir);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(notebookDir, { recursive: true, force: true });
});

/** What the training cell shows now: its progress text, and the points of each chart in it. */
function trainingCellState() {
  const cell = document.querySelectorAll('.cell.code_cell')[1];
  const charts = [...cell.querySelectorAll('.output_area .js-plotly-plot')];
  return {
    busy: cell.querySelector('.input_prompt').textContent.includes('*'),
    progress: [...cell.querySelectorAll('.output_area')].map((o) => o.textContent).find((t) => /epoch \d+\/6/.test(t)) ?? '',
    charts: charts.map((chart) => (chart.data ?? []).map((trace) => trace.x.length)),
  };
}

test('the loss chart is drawn during training and gains points in place', { timeout: 300_000 }, async () => {
  const { page, problems, close } = await offlinePage(browser);
  try {
    await page.goto(server.url('notebooks/live-chart.ipynb'));
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 60_000 });
    await page.click('#celllink');
    await page.click('#run_all_cells');

    // Sample the training cell until it has finished.
    const seen = [];
    let sawBusy = false;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const state = await page.evaluate(trainingCellState);
      sawBusy ||= state.busy;
      if (state.charts.length > 0) {
        seen.push({ ...state, at: Date.now() });
        if (seen.length === 1 || seen.at(-2).charts[0]?.[0] !== state.charts[0]?.[0]) {
          await page.screenshot({ path: join(process.env.SITE_DIR ?? tmpdir(), `live-chart-epoch-${state.charts[0][0]}.png`) });
        }
      }
      if (sawBusy && !state.busy && state.charts.length > 0 && state.charts[0][0] === 6) break;
      assert.ok(Date.now() < deadline, `training did not finish in time; last state ${JSON.stringify(state)}`);
      await page.waitForTimeout(150);
    }
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 120_000 });

    const whileTraining = seen.filter((s) => s.busy);
    assert.ok(whileTraining.length > 0, 'the chart was on the page while the cell ran');
    for (const state of seen) {
      assert.equal(state.charts.length, 1, `one chart output, redrawn in place: ${JSON.stringify(state)}`);
      assert.match(state.progress, /epoch \d+\/6/, 'the progress line stays above the chart');
    }
    const counts = [...new Set(whileTraining.map((s) => s.charts[0][0]))];
    assert.ok(counts.length >= 3, `the chart gained points while training: epochs seen ${counts}`);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'points are only ever added');
    const final = await page.evaluate(trainingCellState);
    assert.deepEqual(final.charts, [[6, 6]], 'the final chart holds train and test loss of all 6 epochs');

    await page.screenshot({ path: join(process.env.SITE_DIR ?? tmpdir(), 'live-chart.png'), fullPage: true });
    const errors = await page.$$eval('.output_error, .output_stderr', (nodes) => nodes.map((n) => n.textContent));
    assert.deepEqual(errors, [], 'no cell printed an error');
    assert.deepEqual(problems.filter((p) => !p.includes('/api/kernelspecs') && !p.includes('favicon')), [],
      'problems in the browser');
  } finally {
    await close();
  }
});
