// Smoke test of the web UI in Debian's firefox-esr (headless, WebDriver BiDi via puppeteer-core)
// against a real `irfa serve`: upload a small NumPy session with the Files button (SHA-256 in the
// browser, streamed PUTs) with a refused file dropped in beside it, import it, queue a tiny training
// job from the form with "then compute per-pixel IRFs" unticked, watch the job page reach succeeded,
// compute the per-pixel IRFs with the explorer's fallback button (what older jobs get; web_e2e covers
// the automatic way), hover two pixels and check that the per-pixel IRF shown equals the API's
// numbers (and differs between them), pin and move with the arrow keys; then the results,
// across-stimuli, jobs, session and sessions pages. Any uncaught JavaScript error, console error or request to another host fails it.
// Screenshots go to $IRFA_WEB_ARTIFACTS/firefox.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, artifactsFor, launchFirefox, makeFixtures, runTest, startServer, stepper, tempDir, waitJob, watchPage } from './harness.mjs';

const irfa = process.env.IRFA_BIN;
const webDir = process.env.IRFA_WEB_DIR;
assert.ok(irfa && fs.existsSync(irfa), 'IRFA_BIN must name the irfa binary');
assert.ok(webDir && fs.existsSync(path.join(webDir, 'index.html')), 'IRFA_WEB_DIR must name the web folder');
const artifacts = artifactsFor('firefox');
const step = stepper();
const work = tempDir('irfa-web-firefox-');
let server = null, browser = null;

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
}

const hashIs = (page, re, timeout = 60000) =>
  page.waitForFunction((src) => new RegExp(src).test(location.hash), { timeout, polling: 200 }, re.source);

async function main() {
  const fx = path.join(work, 'fx');
  makeFixtures('npy', fx);
  fs.writeFileSync(path.join(work, 'fake.npy'), 'this is not numpy');
  server = await startServer(irfa, path.join(work, 'data'), webDir, path.join(artifacts, 'serve.log'));
  browser = await launchFirefox(path.join(work, 'firefox-profile'));
  step(`irfa serve on port ${server.port}; ${await browser.version()}`);
  const page = (await browser.pages())[0] || await browser.newPage();
  const { errors, foreign } = watchPage(page, server.base);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

  // 1. Upload: the NumPy fixture with the Files button; a file that lies about being .npy dropped in.
  await page.goto(`${server.base}/#/sessions`);
  await page.waitForSelector('#dropzone');
  const images = fs.readdirSync(path.join(fx, 'images')).sort().map((f) => path.join(fx, 'images', f));
  const chosen = ['train.npy', 'test.npy', 'electrodes.csv', 'image_table.csv'].map((f) => path.join(fx, f));
  const input = await page.$('input[aria-label="Choose files"]');
  await input.uploadFile(...chosen, ...images);
  await page.waitForSelector(`#upload-files tr[data-file="${path.basename(images.at(-1))}"]`);
  await page.evaluate(async (text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'fake.npy'));
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, fs.readFileSync(path.join(work, 'fake.npy'), 'utf8'));
  await page.waitForSelector('#upload-files tr[data-file="fake.npy"] .file-state[data-state="rejected"]');
  assert.match(await page.$eval('#upload-files tr[data-file="fake.npy"] .file-state', (e) => e.textContent), /not what its name says/);
  const roles = Object.fromEntries(await page.$$eval('#upload-files tbody tr', (trs) => trs.map((t) => [t.dataset.file, t.dataset.role])));
  assert.deepEqual([roles['train.npy'], roles['test.npy'], roles['electrodes.csv'], roles['image_table.csv'], roles['img_000.png']],
                   ['train', 'test', 'electrodes', 'image-table', 'image']);
  await page.locator('input[name="session-name"]').fill('firefox session');
  await page.locator('input[name="size"]').fill('32');
  await shot(page, '01-upload');
  await page.click('#upload-start');
  await hashIs(page, /^#\/session\/s_[0-9a-f]{16}$/);
  const sid = /s_[0-9a-f]{16}/.exec(await page.evaluate(() => location.hash))[0];
  await page.waitForSelector('#session-detail[data-state="ready"]', { timeout: 120000 });
  const session = await api(server.base, `/sessions/${sid}`);
  assert.equal(session.uploads.length, chosen.length + images.length, 'every chosen file uploaded, the refused one not');
  for (const u of session.uploads) {
    const local = u.name.startsWith('img_') ? path.join(fx, 'images', u.name) : path.join(fx, u.name);
    assert.equal(u.size, fs.statSync(local).size, u.name);
  }
  await page.waitForSelector('#arrays-table tbody tr');
  await page.waitForSelector('#electrodes-table tbody tr');
  step(`uploaded and imported into ${sid}: ready`);
  await shot(page, '02-session');

  // 2. Training form; the job page follows the job live.
  await page.goto(`${server.base}/#/jobs?new=1&session=${sid}`);
  await page.waitForSelector('form.train-form');
  for (const [name, v] of [['epochs', '1'], ['features', '8'], ['grid', '32'], ['batch', '4']]) await page.locator(`form.train-form input[name="${name}"]`).fill(v);
  await page.locator('form.train-form input[name="name"]').fill('firefox tiny');
  assert.equal(await page.$eval('form.train-form input[name="per_pixel_irfs"]', (e) => e.checked), true);
  await page.click('form.train-form input[name="per_pixel_irfs"]');
  assert.equal(await page.$eval('form.train-form input[name="per_pixel_irfs"]', (e) => e.checked), false);
  await page.click('form.train-form button[type="submit"]');
  await hashIs(page, /^#\/job\/j_[0-9a-f]{16}$/);
  const trainId = /j_[0-9a-f]{16}/.exec(await page.evaluate(() => location.hash))[0];
  const queued = await api(server.base, `/jobs/${trainId}`);
  assert.deepEqual([queued.params.options.epochs, queued.params.options.features, queued.params.per_pixel_irfs], [1, 8, undefined]);
  await page.waitForSelector('#job-detail[data-state="succeeded"]', { timeout: 300000 });
  assert.ok(await page.$$eval('#job-detail .chart-box', (els) => els.length) >= 5, 'loss charts');
  await page.waitForFunction(() => /not asked for/.test(document.querySelector('#job-detail .facts').textContent), { timeout: 10000 });
  assert.equal((await api(server.base, '/jobs?kind=reconstruct')).jobs.length, 0, 'unticked: the server queued no reconstruction');
  step(`train job ${trainId} succeeded (job page updated live), no per-pixel IRFs asked for`);
  await shot(page, '03-train-job');

  // 3. Explorer: the fallback button queues the reconstruction; the page fills in when it is done.
  await page.goto(`${server.base}/#/explore/${trainId}`);
  await page.waitForSelector('#attention-note[data-state="missing"] #compute-attention');
  await page.click('#compute-attention');
  await page.waitForSelector('#attention-note[data-state="computing"]');
  await page.waitForFunction(() => window.irfaExplorer && window.irfaExplorer.state.irfJob, { timeout: 300000, polling: 500 });
  const st = await page.evaluate(() => window.irfaExplorer.state);
  const recon = await api(server.base, `/jobs/${st.irfJob}`);
  assert.deepEqual([recon.kind, recon.params.follow_up_of, st.grid, st.image], ['reconstruct', undefined, 32, 0]);
  assert.equal(recon.model_id, (await api(server.base, '/models')).models.find((m) => m.job_id === trainId).id);
  step(`Compute per-pixel IRFs: reconstruct job ${st.irfJob} queued from the page, which filled in when it was done`);
  const canvas = await page.$('#reconstruction-view canvas');
  const box = await canvas.boundingBox();
  const at = (x, y) => [box.x + ((x + 0.5) / st.grid) * box.width, box.y + ((y + 0.5) / st.grid) * box.height];
  const shown = async (x, y, img = 0) => {
    await page.waitForSelector(`#pixel-irf[data-state="ready"][data-image="${img}"][data-x="${x}"][data-y="${y}"]`, { timeout: 20000 });
    return page.$eval('#pixel-irf', (el) => ({ ...el.dataset }));
  };
  const seen = [];
  for (const [x, y] of [[5, 7], [24, 19]]) {
    await page.mouse.move(...at(x, y));
    const d = await shown(x, y);
    const fromApi = await api(server.base, `/jobs/${st.irfJob}/irf/pixel?image=0&x=${x}&y=${y}`);
    assert.deepEqual(JSON.parse(d.matrix), fromApi.matrix, `pixel (${x}, ${y}): the page shows other numbers than the API`);
    const totals = JSON.parse(d.totals);
    fromApi.matrix.forEach((row, j) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - totals[j]) < 1e-9));
    assert.deepEqual(await page.$$eval('#pixel-irf .bar-row', (els) => els.map((e) => Number(e.dataset.value))), totals);
    seen.push(fromApi.matrix);
    step(`hover (${x}, ${y}): ${fromApi.arrays} x ${fromApi.features} IRF equals the API's`);
  }
  assert.notDeepEqual(seen[0], seen[1], 'two pixels show the same IRF');
  assert.deepEqual(await page.evaluate(() => window.irfaExplorer.state.hover), [24, 19]);
  await shot(page, '04-explorer-hover');
  await page.mouse.click(...at(10, 12));
  await page.mouse.move(2, 2);
  await shown(10, 12);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  const moved = await shown(11, 11);
  assert.deepEqual(JSON.parse(moved.matrix), (await api(server.base, `/jobs/${st.irfJob}/irf/pixel?image=0&x=11&y=11`)).matrix);
  assert.match(await page.evaluate(() => location.hash), /x=11&y=11/);
  await page.select('#explore-image', '3');
  const other = await shown(11, 11, 3);
  assert.deepEqual(JSON.parse(other.matrix), (await api(server.base, `/jobs/${st.irfJob}/irf/pixel?image=3&x=11&y=11`)).matrix);
  await page.select('#explore-cmap', 'cubehelix');
  await page.select('#explore-norm', 'shared');
  assert.equal(await page.$$eval('#spatial-maps figure.map', (els) => els.length), st.arrays);
  step('pin (10, 12), arrows -> (11, 11), image 3, cubehelix, shared scale');
  await shot(page, '05-explorer-pinned');

  // 4. The other pages.
  const evaluation = (await api(server.base, `/jobs?kind=evaluate&session_id=${sid}`)).jobs[0];
  assert.equal(evaluation.input_job_id, st.irfJob, 'the button queued the evaluation with the reconstruction');
  const ev = await waitJob(server.base, evaluation.id, 120000);
  assert.equal(ev.state, 'succeeded', ev.last_error || '');
  await page.goto(`${server.base}/#/results/${trainId}`);
  await page.waitForSelector('#gallery figure.gallery-item[data-image="4"]');
  assert.deepEqual(await page.$$eval('#gallery figure.gallery-item', (els) => els.map((e) => Number(e.dataset.ssim))), ev.metrics.ssim.per_image);
  await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth === 32), { timeout: 20000 });
  await shot(page, '06-results');
  await page.goto(`${server.base}/#/across/${trainId}`);
  await page.waitForSelector('#across-table tbody tr', { timeout: 30000 });
  assert.equal(await page.$$eval('#across-table tbody tr', (els) => els.length), st.arrays);
  await shot(page, '07-across');
  await page.goto(`${server.base}/#/jobs`);
  await page.waitForSelector(`#jobs-table tr[data-job="${evaluation.id}"]`);
  const kinds = await page.$$eval('#jobs-table tbody tr', (trs) => trs.map((t) => t.children[1].textContent).sort());
  assert.deepEqual(kinds, ['evaluate', 'import', 'reconstruct', 'train']);
  await shot(page, '08-jobs');
  await page.goto(`${server.base}/#/sessions`);
  await page.waitForSelector(`#sessions-table tr[data-session="${sid}"][data-state="ready"]`);
  step('results (SSIM = the evaluation\'s), across stimuli, jobs and sessions pages');

  assert.deepEqual(errors, [], `JavaScript errors: ${errors.join('; ')}`);
  assert.deepEqual(consoleErrors, [], `console errors: ${consoleErrors.join('; ')}`);
  assert.deepEqual(foreign, [], `requests that left the server: ${foreign.join(', ')}`);
  step('all checks passed');
}

await runTest('web_firefox', main, work, () => ({ browser, server }));
