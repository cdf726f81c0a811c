// End to end through the web UI against a real `irfa serve`: upload a small simulated session
// (folder upload, with refused files), import it, queue a tiny training job from the form, wait
// for it, compute the per-pixel IRFs from the explorer, hover two pixels and check that the IRF the
// page shows changed and equals the API's numbers; arrow keys move the pinned pixel. Screenshots
// of every page go to $IRFA_WEB_ARTIFACTS.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, launchBrowser, simulateSession, startServer, tempDir } from './harness.mjs';

const irfa = process.env.IRFA_BIN;
const webDir = process.env.IRFA_WEB_DIR;
const artifacts = process.env.IRFA_WEB_ARTIFACTS || tempDir('irfa-web-artifacts-');
assert.ok(irfa && fs.existsSync(irfa), 'IRFA_BIN must name the irfa binary');
assert.ok(webDir && fs.existsSync(path.join(webDir, 'index.html')), 'IRFA_WEB_DIR must name the web folder');
fs.mkdirSync(artifacts, { recursive: true });

const t0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
const work = tempDir('irfa-web-e2e-');
let server = null, browser = null;

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
}

async function main() {
  simulateSession(irfa, path.join(work, 'monkey'));
  step('simulated a session of 24 + 4 images, 32 px');
  // Files the upload must refuse, with a reason: wrong type, and an .npy that is not one.
  fs.writeFileSync(path.join(work, 'notes.txt'), 'lab notes');
  fs.writeFileSync(path.join(work, 'fake.npy'), 'this is not numpy');

  server = await startServer(irfa, path.join(work, 'data'), webDir, path.join(artifacts, 'serve.log'));
  step(`irfa serve on port ${server.port}`);
  browser = await launchBrowser(path.join(work, 'chromium-profile'));
  const page = browser.pages()[0] || await browser.newPage();
  const errors = [], foreign = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith(server.base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url()); });

  // 1. Upload the session folder through the drop/choose panel.
  await page.goto(`${server.base}/#/sessions`);
  await page.getByRole('tab', { name: /Upload files/ }).click();
  await page.getByLabel('Choose a folder', { exact: true }).setInputFiles(path.join(work, 'monkey'));
  await page.getByLabel('Choose files', { exact: true }).setInputFiles([path.join(work, 'notes.txt'), path.join(work, 'fake.npy')]);
  const refused = page.locator('#upload-files tr[data-file="notes.txt"] .file-state');
  await refused.waitFor();
  assert.equal(await refused.getAttribute('data-state'), 'rejected');
  assert.match(await refused.textContent(), /not a file an import reads/);
  assert.match(await page.locator('#upload-files tr[data-file="fake.npy"] .file-state').textContent(), /not what its name says/);
  assert.equal(await page.locator('#upload-files tr[data-file="responses_train.npy"]').getAttribute('data-role'), 'train');
  assert.equal(await page.locator('#upload-files tr[data-file="electrodes.csv"]').getAttribute('data-role'), 'electrodes');
  assert.equal(await page.locator('#upload-files tr[data-file="stimuli_test_000003.png"]').getAttribute('data-role'), 'image');
  await page.getByLabel('Session name').fill('e2e monkey');
  await page.getByLabel('Stimulus size (px)').fill('32');
  await shot(page, '01-upload-files');
  await page.locator('#upload-start').click();
  await page.waitForURL(/#\/session\/s_[0-9a-f]{16}$/, { timeout: 60000 });
  const sid = /s_[0-9a-f]{16}/.exec(page.url())[0];
  step(`uploaded into ${sid}; import queued`);
  const session = await api(server.base, `/sessions/${sid}`);
  const uploaded = session.uploads.map((u) => u.name).sort();
  assert.ok(uploaded.includes('responses_train.npy') && uploaded.includes('image_table.csv') && uploaded.includes('stimuli_train_000000.png'), uploaded.join(','));
  assert.ok(!uploaded.includes('notes.txt') && !uploaded.includes('fake.npy') && !uploaded.includes('manifest.json'), 'refused files were uploaded');
  const png = fs.readFileSync(path.join(work, 'monkey/stimuli/test/000002.png'));
  assert.equal(session.uploads.find((u) => u.name === 'stimuli_test_000002.png').size, png.length);
  await page.waitForSelector('#session-detail[data-state="ready"]', { timeout: 120000 });
  step('import done: session ready');
  await shot(page, '02-session');

  // 2. Queue a tiny training job from the form on the jobs page.
  await page.goto(`${server.base}/#/jobs?new=1&session=${sid}`);
  for (const [label, v] of [['Epochs', '1'], ['Feature channels c', '8'], ['Grid (pixels)', '32'], ['Batch size', '4']]) {
    await page.getByLabel(label, { exact: true }).fill(v);
  }
  await page.getByLabel('Job name').fill('e2e tiny');
  await page.getByRole('button', { name: 'Queue training job' }).click();
  await page.waitForURL(/#\/job\/j_[0-9a-f]{16}$/, { timeout: 30000 });
  const trainId = /j_[0-9a-f]{16}/.exec(page.url())[0];
  const queued = await api(server.base, `/jobs/${trainId}`);
  assert.deepEqual(queued.params.options, { epochs: 1, batch: 4, features: 8, grid: 32, kernel: 4, alpha: 0.01, 'beta-vgg': 0.69,
                                            'beta-pix': 0.3, 'lr-g': 7.8e-4, 'lr-d': 1e-4, 'd-every': 100, seed: 1 });
  step(`train job ${trainId} queued`);
  await page.waitForSelector('#job-detail[data-state="succeeded"]', { timeout: 300000 });
  step('train job succeeded');
  await shot(page, '03-train-job');

  // 3. Explorer: the train job has no attention.npy; the page queues the reconstruct job that writes it.
  await page.goto(`${server.base}/#/explore/${trainId}`);
  await page.locator('#compute-attention').click();
  await page.waitForFunction(() => window.irfaExplorer && window.irfaExplorer.state.irfJob, null, { timeout: 300000, polling: 1000 });
  const irfJob = await page.evaluate(() => window.irfaExplorer.state.irfJob);
  step(`per-pixel IRFs from reconstruct job ${irfJob}`);
  assert.equal((await api(server.base, `/jobs/${irfJob}`)).kind, 'reconstruct');

  const recon = page.locator('#reconstruction-view canvas');
  const box = await recon.boundingBox();
  const grid = await page.evaluate(() => window.irfaExplorer.state.grid);
  assert.equal(grid, 32);
  const at = (x, y) => [box.x + ((x + 0.5) / grid) * box.width, box.y + ((y + 0.5) / grid) * box.height];
  const shown = async (x, y, img = 0) => {
    await page.waitForSelector(`#pixel-irf[data-state="ready"][data-image="${img}"][data-x="${x}"][data-y="${y}"]`, { timeout: 20000 });
    return page.locator('#pixel-irf').evaluate((el) => ({ ...el.dataset }));
  };
  const image = await page.evaluate(() => window.irfaExplorer.state.image);
  assert.equal(image, 0);
  const results = [];
  for (const [x, y] of [[5, 7], [24, 19]]) {
    await page.mouse.move(...at(x, y));
    const d = await shown(x, y);
    const fromApi = await api(server.base, `/jobs/${irfJob}/irf/pixel?image=${image}&x=${x}&y=${y}`);
    const matrix = JSON.parse(d.matrix), totals = JSON.parse(d.totals);
    assert.equal(d.job, irfJob);
    assert.equal(Number(d.image), image);
    assert.equal(matrix.length, fromApi.arrays);
    assert.deepEqual(matrix, fromApi.matrix, `pixel (${x}, ${y}): the page shows other numbers than the API`);
    fromApi.matrix.forEach((row, j) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - totals[j]) < 1e-9, `total of array ${j}`));
    // The bars show the same totals.
    const bars = await page.locator('#pixel-irf .bar-row').evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
    assert.deepEqual(bars, totals);
    // Attention is a softmax over arrays: per feature the arrays' weights sum to 1.
    for (let k = 0; k < fromApi.features; k++) assert.ok(Math.abs(fromApi.matrix.reduce((a, row) => a + row[k], 0) - 1) < 1e-4);
    results.push(matrix);
    step(`hover (${x}, ${y}): ${fromApi.arrays} x ${fromApi.features} IRF equals the API's`);
  }
  assert.notDeepEqual(results[0], results[1], 'two different pixels show the same IRF');
  const cross = await page.evaluate(() => window.irfaExplorer.state.hover);
  assert.deepEqual(cross, [24, 19]);
  await shot(page, '04-explorer-hover');

  // Click pins a pixel; leaving the image shows the pin; arrow keys move it.
  await page.mouse.click(...at(10, 12));
  await page.mouse.move(2, 2);
  await shown(10, 12);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  const moved = await shown(11, 13);
  const apiMoved = await api(server.base, `/jobs/${irfJob}/irf/pixel?image=${image}&x=11&y=13`);
  assert.deepEqual(JSON.parse(moved.matrix), apiMoved.matrix);
  assert.match(page.url(), /x=11&y=13/);
  step('pin + arrow keys: (10, 12) -> (11, 13)');

  // Another test image: the spatial maps and the pixel IRF follow.
  await page.locator('#explore-image').selectOption('2');
  const other = await shown(11, 13, 2);
  assert.equal(other.image, '2');
  assert.deepEqual(JSON.parse(other.matrix), (await api(server.base, `/jobs/${irfJob}/irf/pixel?image=2&x=11&y=13`)).matrix);
  const maps = await page.locator('#spatial-maps figure.map').count();
  assert.equal(maps, JSON.parse(other.totals).length);
  await page.locator('#explore-cmap').selectOption('cubehelix');
  await page.locator('#explore-norm').selectOption('shared');
  await shot(page, '05-explorer-cubehelix-shared');

  // 4. Results and across-stimuli pages (metrics come from the evaluate job queued with the reconstruction).
  const evalJob = (await api(server.base, `/jobs?kind=evaluate&session_id=${sid}`)).jobs[0];
  assert.ok(evalJob && evalJob.input_job_id === irfJob, 'the explorer queued an evaluation');
  for (let i = 0; i < 120 && !['succeeded', 'failed'].includes((await api(server.base, `/jobs/${evalJob.id}`)).state); i++) await new Promise((r) => setTimeout(r, 1000));
  const evaluation = await api(server.base, `/jobs/${evalJob.id}`);
  assert.equal(evaluation.state, 'succeeded', evaluation.last_error || '');
  await page.goto(`${server.base}/#/results/${trainId}`);
  await page.waitForSelector('#gallery figure.gallery-item[data-image="3"]');
  const ssim = await page.locator('#gallery figure.gallery-item').evaluateAll((els) => els.map((e) => Number(e.dataset.ssim)));
  assert.deepEqual(ssim, evaluation.metrics.ssim.per_image);
  await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth === 32));
  await shot(page, '06-results');
  await page.goto(`${server.base}/#/across/${trainId}`);
  await page.waitForSelector('#across-table tbody tr', { timeout: 30000 });
  assert.equal(await page.locator('#across-table tbody tr').count(), JSON.parse(other.totals).length);
  await shot(page, '07-across-stimuli');
  await page.goto(`${server.base}/#/jobs`);
  await page.waitForSelector(`#jobs-table tr[data-job="${trainId}"]`);
  await shot(page, '08-jobs');

  assert.deepEqual(errors, [], `JavaScript errors: ${errors.join('; ')}`);
  assert.deepEqual(foreign, [], `requests that left the server: ${foreign.join(', ')}`);
  step('all checks passed');
}

try {
  await main();
} catch (e) {
  console.error(`web_e2e FAILED: ${e.stack || e.message}`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
