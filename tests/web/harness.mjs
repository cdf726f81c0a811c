// Shared by the browser tests: starts a real `irfa serve` on a random local port with a temporary
// data folder; launches headless Debian chromium (playwright-core) or Debian firefox-esr
// (puppeteer-core over WebDriver BiDi) with settings that keep them off the network; makes the
// session fixtures; collects JavaScript errors and requests that leave the server.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/* The screenshot folder of one test: $IRFA_WEB_ARTIFACTS/<name>, emptied first. */
export function artifactsFor(name) {
  const dir = path.join(process.env.IRFA_WEB_ARTIFACTS || tempDir('irfa-web-artifacts-'), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/* Logs "[seconds] what" from the start of the test. */
export function stepper() {
  const t0 = Date.now();
  return (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
}

export function simulateSession(irfa, out) {
  execFileSync(irfa, ['simulate', '--out', out, '--train', '24', '--test', '4', '--size', '32'], { stdio: 'inherit' });
}

/* tests/session/make_fixtures.py KIND OUT (KIND: npy, tvsd, nwb, malformed); needs python3-h5py. */
export function makeFixtures(kind, out) {
  execFileSync(process.env.IRFA_PYTHON3 || '/usr/bin/python3', [path.join(here, '..', 'session', 'make_fixtures.py'), kind, out],
               { stdio: 'inherit' });
}

export async function startServer(irfa, dataDir, webDir, logFile) {
  const log = fs.openSync(logFile, 'a');
  const proc = spawn(irfa, ['serve', '--data', dataDir, '--port', '0', '--bind', '127.0.0.1', '--web', webDir,
                            '--workers', '1', '--device', 'cpu'], { stdio: ['ignore', 'pipe', log] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('irfa serve did not start within 30 s')), 30000);
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /listening on http:\/\/[0-9.]+:(\d+)/.exec(buf);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`irfa serve exited with ${code}; see ${logFile}`)); });
  });
  proc.stdout.on('data', (d) => fs.appendFileSync(logFile, d));
  return {
    port, base: `http://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((res) => { const t = setTimeout(() => { proc.kill('SIGKILL'); res(); }, 20000); proc.on('exit', () => { clearTimeout(t); res(); }); });
    },
  };
}

export async function launchBrowser(userDataDir) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.IRFA_CHROMIUM || '/usr/bin/chromium',
    viewport: { width: 1366, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

/* Headless Debian firefox-esr driven over WebDriver BiDi. puppeteer's Firefox profile already turns
 * off updates, telemetry and the other background services; the preferences below close what is left
 * (captive portal and connectivity checks, safe browsing, remote settings, DNS/link prefetch). */
export async function launchFirefox(profileDir) {
  return puppeteer.launch({
    browser: 'firefox', executablePath: process.env.IRFA_FIREFOX || '/usr/bin/firefox-esr', headless: true,
    userDataDir: profileDir, defaultViewport: { width: 1366, height: 900 },
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
      'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
      'browser.safebrowsing.downloads.enabled': false, 'services.settings.server': 'http://127.0.0.1:9/',
      'network.dns.disablePrefetch': true, 'network.prefetch-next': false, 'network.http.speculative-parallel-limit': 0,
      'browser.newtabpage.enabled': false, 'browser.startup.page': 0, 'extensions.update.enabled': false,
    },
  });
}

/* Records uncaught page errors and requests to anything but the server (playwright or puppeteer page). */
export function watchPage(page, base) {
  const errors = [], foreign = [];
  page.on('pageerror', (e) => errors.push(e.message || String(e)));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:') && u !== 'about:blank') foreign.push(u);
  });
  return { errors, foreign };
}

/* Polls the API until the job has finished; returns it. */
export async function waitJob(base, id, timeoutMs = 300000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await api(base, `/jobs/${id}`);
    if (!['queued', 'running'].includes(j.state)) return j;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.state} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/* POST with a JSON body, or none when body is undefined (the cancel route takes none). */
export async function apiPost(base, pathAndQuery, body) {
  const init = body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const r = await fetch(`${base}/api/v1${pathAndQuery}`, init);
  if (!r.ok) throw new Error(`POST ${pathAndQuery}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

export async function api(base, pathAndQuery) {
  const r = await fetch(`${base}/api/v1${pathAndQuery}`);
  if (!r.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

/* Runs a test's main: a failure is reported under the test's name (exit status 1), and whatever it
 * started (the browser and server that `started()` returns, the work folder) is always cleaned up. */
export async function runTest(name, main, work, started) {
  try {
    await main();
  } catch (e) {
    console.error(`${name} FAILED: ${e.stack || e.message}`);
    process.exitCode = 1;
  } finally {
    const { browser, server } = started();
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
