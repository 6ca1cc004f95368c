// Shared by the browser tests: Debian's Chromium driven by playwright-core (never a downloaded
// browser), a static file server on loopback, and a page that refuses every non-local request.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A page that records console errors, uncaught exceptions and failed requests, and aborts every
 * request to a non-loopback host, so a page that needs the internet fails here as it would offline.
 */
export async function offlinePage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL_HOSTS.has(url.hostname)) {
      return route.continue();
    }
    problems.push(`request to a non-local address: ${url.href}`);
    return route.abort('internetdisconnected');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (failure !== 'net::ERR_ABORTED') problems.push(`request failed (${failure}): ${request.url()}`);
  });
  return { page, problems, close: () => context.close() };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.woff': 'font/woff',
  '.ipynb': 'application/json',
};

/** Serves `root` on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serveDirectory(root) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(await readFile(file));
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Starts a Jupyter server on a free loopback port with a random token, serving `notebookDir`;
 * resolves to { url(path), close() } once its API answers. `app` is 'notebook' (Notebook 6) or 'lab'
 * (JupyterLab, with its settings and workspaces in `notebookDir`'s hidden folders, so the reader's
 * own stay untouched, and no update or news check, which would go to the internet). The kernel is
 * the aelab-java that JUPYTER_PATH / JUPYTER_DATA_DIR name (test.sh: the tests' private one).
 */
export async function startNotebookServer(notebookDir, jupyter = process.env.JUPYTER ?? '/usr/bin/jupyter', app = 'notebook') {
  const { spawn } = await import('node:child_process');
  const { createServer: createNetServer } = await import('node:net');
  const { randomBytes } = await import('node:crypto');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const token = randomBytes(16).toString('hex');
  const port = await new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
  const common = ['--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0'];
  let args;
  const env = { ...process.env };
  if (app === 'lab') {
    env.JUPYTERLAB_SETTINGS_DIR = join(notebookDir, '.lab-settings');
    env.JUPYTERLAB_WORKSPACES_DIR = join(notebookDir, '.lab-workspaces');
    const notification = join(env.JUPYTERLAB_SETTINGS_DIR, '@jupyterlab', 'apputils-extension');
    mkdirSync(notification, { recursive: true });
    writeFileSync(join(notification, 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    args = ['lab', ...common, `--ServerApp.token=${token}`, `--ServerApp.root_dir=${notebookDir}`,
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
  } else {
    args = ['notebook', ...common, `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`];
  }
  const server = spawn(jupyter, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = '';
  server.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  const url = (path) => `http://127.0.0.1:${port}/${path}${path.includes('?') ? '&' : '?'}token=${token}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url('api/status'))).ok) break;
    } catch { /* not listening yet */ }
    if (server.exitCode !== null) throw new Error(`jupyter ${app} exited ${server.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`jupyter ${app} did not answer on port ${port}:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    close: async () => {
      if (server.exitCode === null) server.kill('SIGTERM');
      await exited;
    },
  };
}
