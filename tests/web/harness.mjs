// Starts a real `irfa serve` on a random local port with a temporary data folder, and launches
// headless Debian chromium with flags that keep it off the network (no background services).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function simulateSession(irfa, out) {
  execFileSync(irfa, ['simulate', '--out', out, '--train', '24', '--test', '4', '--size', '32'], { stdio: 'inherit' });
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

export async function api(base, pathAndQuery) {
  const r = await fetch(`${base}/api/v1${pathAndQuery}`);
  if (!r.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}
