// Opens every page of the rendered site (README command 2 builds it with smoke knobs) in headless
// Chromium with the network cut off, and checks what a reader would see: every plot drew, every
// image decoded, formulas were typeset, no JavaScript error. Saves a screenshot of each page.
// The front page gets its own test: a card per notebook with a decoded thumbnail, every loss chart
// drawn, the results table, the reproducibility block.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, offlinePage, serveDirectory } from './browser.mjs';

// Debian 12's Node.js is 18, which has no import.meta.dirname.
const HERE = dirname(fileURLToPath(import.meta.url));
const SITE = process.env.SITE_DIR ?? join(HERE, '..', '..', 'build', 'site');
const SHOTS = join(SITE, 'screenshots');

let browser;
let server;
before(async () => {
  assert.ok(existsSync(join(SITE, 'index.html')), `${SITE}/index.html missing: build the site first`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  server = await serveDirectory(SITE);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** What the executed notebook says the page must show. */
function expectations(notebookFile) {
  const notebook = JSON.parse(readFileSync(notebookFile, 'utf8'));
  let plots = 0;
  let images = 0;
  let formulas = false;
  for (const cell of notebook.cells) {
    if (cell.cell_type === 'markdown' && /\$[^$]+\$/.test([].concat(cell.source).join(''))) formulas = true;
    for (const output of cell.outputs ?? []) {
      const data = output.data ?? {};
      if (data['image/png']) images += 1;
      const html = [].concat(data['text/html'] ?? []).join('');
      plots += (html.match(/Plotly\.newPlot\(/g) ?? []).length;
    }
  }
  return { plots, images, formulas };
}

const pages = readdirSync(SITE).filter((f) => f.endsWith('.html')).sort();

test('the site has an index and at least one notebook page', () => {
  assert.ok(pages.includes('index.html'));
  assert.ok(pages.length >= 2, `pages: ${pages}`);
});

for (const name of pages) {
  test(`${name} renders offline`, async () => {
    const { page, problems, close } = await offlinePage(browser);
    try {
      await page.goto(server.url + name, { waitUntil: 'load' });
      const notebookFile = join(SITE, name.replace(/\.html$/, '.ipynb'));
      const expected = existsSync(notebookFile) ? expectations(notebookFile) : { plots: 0, images: 0, formulas: false };

      if (expected.plots > 0) {
        await page.waitForFunction((n) => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n,
          expected.plots, { timeout: 30_000 }).catch(() => {});
        const drawn = await page.$$eval('.js-plotly-plot', (plots) => plots.filter((p) => {
          const svg = p.querySelector('.main-svg');
          // A trace, or a layout picture (notebook 06's explorer draws its frames as layout images).
          return svg && svg.getBoundingClientRect().width > 0
            && p.querySelectorAll('.trace, .scatterlayer path, .imagelayer image').length > 0;
        }).length);
        assert.equal(drawn, expected.plots, `${name}: ${drawn} of ${expected.plots} plots drew`);
      }

      const images = await page.$$eval('img', (imgs) => Promise.all(imgs.map((img) => (img.complete
        ? Promise.resolve() : new Promise((r) => { img.onload = r; img.onerror = r; })).then(() => ({
        src: img.src.slice(0, 60), width: img.naturalWidth })))));
      const broken = images.filter((i) => i.width === 0);
      assert.deepEqual(broken, [], `${name}: images that did not decode`);
      assert.ok(images.length >= expected.images, `${name}: ${images.length} images, expected ${expected.images}`);

      if (expected.formulas) {
        await page.waitForFunction(() => document.querySelectorAll('.MathJax_CHTML, .mjx-chtml').length > 0,
          null, { timeout: 30_000 }).catch(() => {});
        const typeset = await page.$$eval('.MathJax_CHTML, .mjx-chtml', (f) => f.length);
        assert.ok(typeset > 0, `${name}: no formula was typeset by MathJax`);
      }

      await page.screenshot({ path: join(SHOTS, name.replace(/\.html$/, '.png')), fullPage: true });
      assert.deepEqual(problems, [], `${name}: problems in the browser`);
    } finally {
      await close();
    }
  });
}

test('the front page shows every notebook, its thumbnail and every chart', async () => {
  const report = JSON.parse(readFileSync(join(SITE, 'results.json'), 'utf8'));
  const notebooks = Object.keys(report.notebooks);
  const trained = Object.values(report.notebooks).flatMap((n) => Object.values(n.models))
    .filter((m) => Object.keys(m.series ?? {}).some((s) => s.toLowerCase().startsWith('test')));
  const { page, problems, close } = await offlinePage(browser);
  try {
    await page.goto(server.url + 'index.html', { waitUntil: 'load' });

    const cards = await page.$$eval('.card', (nodes) => nodes.map((card) => ({
      id: card.id,
      title: card.querySelector('h3')?.textContent.trim(),
      link: card.querySelector('h3 a')?.getAttribute('href'),
      section: card.querySelector('.kicker')?.textContent.trim(),
      teaches: card.querySelector('.teaches')?.textContent.trim() ?? '',
    })));
    assert.deepEqual(cards.map((c) => c.id), notebooks.map((n) => `card-${n}`), 'one card per notebook, in order');
    for (const card of cards) {
      assert.ok(existsSync(join(SITE, card.link)), `${card.id} links to ${card.link}`);
      assert.match(card.section, /^Chapter (past )?12\.\d/, `${card.id} names its chapter section`);
      assert.ok(card.teaches.length > 20, `${card.id} says what it teaches`);
    }
    const thumbnails = await page.$$eval('.card .thumb img', (imgs) => Promise.all(imgs.map((img) => (img.complete
      ? Promise.resolve() : new Promise((r) => { img.onload = r; img.onerror = r; }))
      .then(() => ({ src: img.getAttribute('src'), width: img.naturalWidth, shown: img.getBoundingClientRect().width })))));
    assert.equal(thumbnails.length, notebooks.length, 'every card has a thumbnail');
    for (const t of thumbnails) assert.ok(t.width > 0 && t.shown > 100, `thumbnail ${t.src} decoded and shown`);

    const expectedCharts = trained.length > 0 ? 1 : 0;
    await page.waitForFunction(() => [...document.querySelectorAll('#learning .plot')]
      .every((p) => p.querySelector('.main-svg .scatterlayer .trace')), null, { timeout: 30_000 });
    const charts = await page.$$eval('#learning .plot', (plots) => plots.map((p) => ({
      id: p.id, traces: p.querySelectorAll('.scatterlayer .trace').length,
      points: (p.data ?? []).reduce((n, t) => n + t.y.filter((y) => y !== null).length, 0) })));
    assert.ok(charts.length >= expectedCharts, `charts: ${JSON.stringify(charts)}`);
    const drawnTraces = charts.reduce((n, c) => n + c.traces, 0);
    assert.ok(drawnTraces >= trained.length, `${drawnTraces} curves drawn for ${trained.length} trained models`);
    for (const c of charts) assert.ok(c.points > 0, `${c.id} has points`);

    const rows = await page.$$eval('#results tbody tr', (trs) => trs.length);
    const models = Object.values(report.notebooks).reduce((n, nb) => n + Object.keys(nb.models).length, 0);
    assert.equal(rows, models, 'one results row per model');
    const reproduce = await page.$eval('#reproduce', (el) => el.textContent);
    for (const needed of ['Machine', 'JDK', 'DJL', 'PyTorch native', 'Tablesaw', 'Commit', 'environment/main.sh']) {
      assert.ok(reproduce.includes(needed), `the reproducibility block names ${needed}`);
    }
    assert.ok(!reproduce.includes('not found'), `every version was found: ${reproduce}`);

    await page.screenshot({ path: join(SHOTS, 'front-page.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // plotly resizes its charts a moment after the window changes size.
    await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 10_000 })
      .catch(() => {});
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `on a phone the page scrolls sideways by ${overflow} px`);
    await page.screenshot({ path: join(SHOTS, 'front-page-phone.png'), fullPage: true });
    assert.deepEqual(problems, [], 'problems in the browser');
  } finally {
    await close();
  }
});

test('a training cell keeps one live loss chart per fit, of the whole run', () => {
  let checked = 0;
  for (const file of readdirSync(SITE).filter((f) => f.endsWith('.ipynb'))) {
    const notebook = JSON.parse(readFileSync(join(SITE, file), 'utf8'));
    notebook.cells.forEach((cell, index) => {
      const texts = (cell.outputs ?? []).map((o) => [].concat(o.data?.['text/plain'] ?? []).join(''));
      const charts = texts.filter((t) => /^Loss per epoch: \d+ of \d+ epochs/.test(t));
      // One fit, one chart; a cell that runs a sweep (notebook 06's β values) has one per fit, in order.
      const done = texts.map((t) => t.match(/Done: (\d+) epochs/)).filter(Boolean);
      if (done.length === 0) return;
      checked += 1;
      assert.equal(charts.length, done.length, `${file} cell ${index}: ${charts.length} live charts, ${done.length} fits`);
      done.forEach((d, i) => assert.match(charts[i], new RegExp(`^Loss per epoch: ${d[1]} of ${d[1]} epochs`),
        `${file} cell ${index}, fit ${i + 1}`));
    });
  }
  assert.ok(checked > 0 || !existsSync(join(SITE, '02-autoencoder.ipynb')), 'no training cell found');
});

/** The ids of the "Try it" exercises of an executed notebook, in order (cells marked aelab.role = check). */
function exercisesOf(notebookFile) {
  const notebook = JSON.parse(readFileSync(notebookFile, 'utf8'));
  return notebook.cells.filter((c) => c.metadata?.aelab?.role === 'check').map((c) => c.metadata.aelab.exercise);
}

const SOLUTIONS = join(HERE, '..', '..', 'notebooks', 'solutions');

for (const name of pages.filter((p) => existsSync(join(SITE, p.replace(/\.html$/, '.ipynb'))))) {
  const exercises = exercisesOf(join(SITE, name.replace(/\.html$/, '.ipynb')));
  if (exercises.length === 0) continue;
  test(`${name} folds each exercise's worked solution below its check`, async () => {
    const solutionFile = readFileSync(join(SOLUTIONS, name.replace(/\.html$/, '.jsh')), 'utf8');
    const { page, problems, close } = await offlinePage(browser);
    try {
      await page.goto(server.url + name, { waitUntil: 'load' });
      const blocks = await page.$$eval('details.aelab-solution', (all) => all.map((d) => {
        let before = d.closest('.jp-Cell').previousElementSibling;
        while (before && !before.classList.contains('jp-Cell')) before = before.previousElementSibling;
        return { id: d.id, open: d.open, summary: d.querySelector('summary').textContent.trim(),
          before: before?.querySelector('.jp-InputArea')?.textContent ?? '',
          codeShown: d.querySelector('pre').checkVisibility() };
      }));
      assert.deepEqual(blocks.map((b) => b.id), exercises.map((e) => `solution-${e}`), 'one block per exercise, in order');
      for (const [i, block] of blocks.entries()) {
        const exercise = exercises[i];
        assert.equal(block.open, false, `${exercise}: folded when the page opens`);
        assert.equal(block.codeShown, false, `${exercise}: its code is hidden while folded`);
        assert.equal(block.summary, `Worked solution of ${exercise}`);
        assert.ok(block.before.includes(`Exercises.check("${exercise}"`), `${exercise}: right below its check cell`);
      }
      const last = exercises.at(-1);
      const heading = page.locator('h3', { hasText: `${last} ·` });
      const details = page.locator(`details[id="solution-${last}"]`);
      await heading.scrollIntoViewIfNeeded();
      const shot = async (suffix) => {
        // The exercise from its heading to the end of its solution block, in page coordinates.
        const [top, end, scrollY, width] = [(await heading.boundingBox()).y, await details.boundingBox(),
          await page.evaluate(() => window.scrollY), await page.evaluate(() => document.documentElement.clientWidth)];
        await page.screenshot({ path: join(SHOTS, name.replace(/\.html$/, `-solution-${suffix}.png`)), fullPage: true,
          clip: { x: 0, y: scrollY + top - 10, width, height: end.y + end.height - top + 30 } });
      };
      await shot('folded');
      await details.locator('summary').click();
      const opened = await details.evaluate((d) => ({ open: d.open, shown: d.querySelector('pre').checkVisibility(),
        code: d.querySelector('pre').textContent }));
      assert.ok(opened.open && opened.shown, `${last}: a click unfolds it`);
      const firstLine = solutionFile.split(`// ---- ${last} ----`)[1].trim().split('\n')[0];
      assert.ok(opened.code.includes(firstLine), `${last}: shows the solution file's section, starting ${firstLine}`);
      await shot('unfolded');
      assert.deepEqual(problems, [], `${name}: problems in the browser`);
    } finally {
      await close();
    }
  });
}
