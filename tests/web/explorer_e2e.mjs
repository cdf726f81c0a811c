// End to end through the web UI against a real `irfa serve`: upload a small simulated session
// (folder upload, with refused files), import it, queue a tiny training job from the form, open the
// explorer while it trains and watch it fill in by itself (the server queues the reconstruct job that
// writes the per-pixel IRFs when training succeeds), hover two pixels and check that the IRF the
// page shows changed and equals the API's numbers; arrow keys move the pinned pixel. Screenshots
// of every page go to $IRFA_WEB_ARTIFACTS.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, apiPost, artifactsFor, launchBrowser, runTest, simulateSession, startServer, stepper, tempDir, waitJob, watchPage } from './harness.mjs';

const irfa = process.env.IRFA_BIN;
const webDir = process.env.IRFA_WEB_DIR;
assert.ok(irfa && fs.existsSync(irfa), 'IRFA_BIN must name the irfa binary');
assert.ok(webDir && fs.existsSync(path.join(webDir, 'index.html')), 'IRFA_WEB_DIR must name the web folder');
const artifacts = artifactsFor('chromium-explorer');

const step = stepper();
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
  const { errors, foreign } = watchPage(page, server.base);

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
  assert.equal(queued.params.per_pixel_irfs, true, 'the form asks for the per-pixel IRFs (checked by default)');
  // A long job queued right behind it keeps the one worker busy when training ends, so the reconstruct
  // job the server queues then (created later, so claimed later) stays queued while the explorer is
  // watched; cancelling the long job lets it run.
  const blocker = await apiPost(server.base, '/jobs', { kind: 'train', session_id: sid, name: 'keeps the worker busy',
                                                        options: { epochs: 1000, features: 4, grid: 32, batch: 4 } });
  step(`train job ${trainId} queued (and ${blocker.id} behind it)`);

  // 3. Explorer, opened from the menu while the job trains (as a demo user would): it picks the training
  // job, waits for it, then for the reconstruct job the server queued when training succeeded
  // (attention.npy), and fills in by itself; no click.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IRF explorer' }).click();
  await page.waitForSelector(`#explore-waiting[data-job="${trainId}"]`, { timeout: 10000 });
  assert.equal(new URL(page.url()).hash, `#/explore/${trainId}`);
  await shot(page, '03-explorer-waits-for-training');
  const computing = page.locator('#attention-note[data-state="computing"]');
  await computing.waitFor({ timeout: 300000 });
  const followUp = await computing.getAttribute('data-job');
  assert.match(await computing.textContent(), /queued by the server when training finished/);
  await computing.locator('.badge[data-state="queued"]').waitFor();
  assert.equal((await api(server.base, `/jobs/${followUp}`)).state, 'queued');
  step(`train job succeeded; the explorer shows reconstruct job ${followUp} queued to compute the per-pixel IRFs`);
  await shot(page, '04-explorer-computing');
  assert.equal(await page.locator('#compute-attention').count(), 0, 'no button to press when the server queued the job');
  await apiPost(server.base, `/jobs/${blocker.id}/cancel`);
  await page.waitForFunction(() => window.irfaExplorer && window.irfaExplorer.state.irfJob, null, { timeout: 300000, polling: 500 });
  const irfJob = await page.evaluate(() => window.irfaExplorer.state.irfJob);
  assert.equal(irfJob, followUp, 'the explorer reads the reconstruction it was waiting for');
  const reconJob = await api(server.base, `/jobs/${irfJob}`);
  assert.equal(reconJob.kind, 'reconstruct');
  assert.equal(reconJob.params.follow_up_of, trainId);
  assert.equal(reconJob.model_id, (await api(server.base, '/models')).models.find((m) => m.job_id === trainId).id);
  step(`per-pixel IRFs from reconstruct job ${irfJob}, filled in without a click`);

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
  await shot(page, '05-explorer-hover');

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
  await shot(page, '06-explorer-cubehelix-shared');

  // 4. Results and across-stimuli pages (metrics come from the evaluate job the server queued with the reconstruction).
  const evals = (await api(server.base, `/jobs?kind=evaluate&session_id=${sid}`)).jobs;
  assert.equal(evals.length, 1, 'one evaluation');
  const evalJob = evals[0];
  assert.ok(evalJob.input_job_id === irfJob && evalJob.depends_on === irfJob && evalJob.params.follow_up_of === trainId,
            `the server queued the evaluation of the reconstruction: ${JSON.stringify(evalJob)}`);
  assert.equal((await api(server.base, `/jobs?kind=reconstruct&session_id=${sid}`)).jobs.length, 1, 'one reconstruction');
  const evaluation = await waitJob(server.base, evalJob.id, 120000);
  assert.equal(evaluation.state, 'succeeded', evaluation.last_error || '');
  await page.goto(`${server.base}/#/results/${trainId}`);
  await page.waitForSelector('#gallery figure.gallery-item[data-image="3"]');
  const ssim = await page.locator('#gallery figure.gallery-item').evaluateAll((els) => els.map((e) => Number(e.dataset.ssim)));
  assert.deepEqual(ssim, evaluation.metrics.ssim.per_image);
  await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth === 32));
  await shot(page, '07-results');
  await page.goto(`${server.base}/#/across/${trainId}`);
  await page.waitForSelector('#across-table tbody tr', { timeout: 30000 });
  assert.equal(await page.locator('#across-table tbody tr').count(), JSON.parse(other.totals).length);
  await shot(page, '08-across-stimuli');
  await page.goto(`${server.base}/#/job/${trainId}`);
  await page.waitForSelector('#job-detail[data-state="succeeded"]');
  await page.getByRole('link', { name: irfJob }).waitFor();
  await shot(page, '09-train-job');
  await page.goto(`${server.base}/#/jobs`);
  await page.waitForSelector(`#jobs-table tr[data-job="${trainId}"]`);
  await shot(page, '10-jobs');

  assert.deepEqual(errors, [], `JavaScript errors: ${errors.join('; ')}`);
  assert.deepEqual(foreign, [], `requests that left the server: ${foreign.join(', ')}`);
  step('all checks passed');
}

await runTest('web_e2e', main, work, () => ({ browser, server }));
