// The upload panel end to end in headless Chromium against a real `irfa serve`:
// 1. a real drop onto the drop zone (Chromium's own drag and drop, fed through DevTools'
//    Input.dispatchDragEvent with files from disk, a folder among them) lists the same files, sizes
//    and uses as choosing them with the Files / Folder buttons;
// 2. TVSD (MAT v7.3, from tests/session/make_fixtures.py, with JPEG stimuli as THINGS has) uploaded
//    from that drop and imported: the session becomes ready with what the files hold;
// 3. NWB chosen with the Files button and imported: ready;
// 4. bad input: a .mat that is not HDF5 is refused before upload, an import without its main file is
//    refused before a session is made, and an NWB file without the trials' image column fails the
//    import with the importer's message on the session page.
// No JavaScript error and no request to another host. Screenshots go to $IRFA_WEB_ARTIFACTS/chromium-imports.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { api, artifactsFor, launchBrowser, makeFixtures, runTest, startServer, stepper, tempDir, watchPage } from './harness.mjs';

const irfa = process.env.IRFA_BIN;
const webDir = process.env.IRFA_WEB_DIR;
assert.ok(irfa && fs.existsSync(irfa), 'IRFA_BIN must name the irfa binary');
assert.ok(process.env.IRFA_MAKE_JPEG && fs.existsSync(process.env.IRFA_MAKE_JPEG), 'IRFA_MAKE_JPEG must name tests/session/make_jpeg');
assert.ok(webDir && fs.existsSync(path.join(webDir, 'index.html')), 'IRFA_WEB_DIR must name the web folder');
const artifacts = artifactsFor('chromium-imports');
const step = stepper();
const work = tempDir('irfa-web-imports-');
let server = null, browser = null;

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));   // sticky headers would be drawn where the page was scrolled to
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
}

/* A fresh upload panel (the tab builds a new one on each click) set to an import format. */
async function freshPanel(page, format) {
  if (!page.url().endsWith('#/sessions')) await page.goto(`${server.base}/#/sessions`);
  await page.getByRole('tab', { name: /Upload files/ }).click();
  await page.locator('.upload-panel select[name="format"]').selectOption(format);
  await page.locator('#dropzone').waitFor();
}

/* The file list as the page shows it: name, size, use and state per row, sorted by name. */
async function listed(page) {
  const rows = await page.locator('#upload-files tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    file: tr.dataset.file, size: Number(tr.dataset.size), role: tr.dataset.role,
    state: tr.querySelector('.file-state').dataset.state })));
  return rows.sort((a, b) => a.file.localeCompare(b.file));
}

/* Drags paths (files or folders) from "the desktop" onto the drop zone: dragenter, dragover, drop
 * through Chromium's input pipeline, as the operating system would deliver them. */
async function dropPaths(page, paths) {
  const cdp = await page.context().newCDPSession(page);
  const zone = page.locator('#dropzone');
  await zone.scrollIntoViewIfNeeded();
  const b = await zone.boundingBox();
  const at = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  await cdp.send('Input.dispatchDragEvent', { type: 'dragEnter', ...at, data });
  await cdp.send('Input.dispatchDragEvent', { type: 'dragOver', ...at, data });
  assert.equal(await page.locator('#dropzone.over').count(), 1, 'the drop zone shows that it takes the drop');
  await cdp.send('Input.dispatchDragEvent', { type: 'drop', ...at, data });
  await cdp.detach();
}

async function uploadAndImport(page, name, size) {
  await page.getByLabel('Session name').fill(name);
  if (size) await page.getByLabel('Stimulus size (px)').fill(String(size));
  await page.locator('#upload-start').click();
  await page.waitForURL(/#\/session\/s_[0-9a-f]{16}$/, { timeout: 60000 });
  return /s_[0-9a-f]{16}/.exec(page.url())[0];
}

async function importJobOf(sid) {
  const { jobs } = await api(server.base, `/jobs?kind=import&session_id=${sid}`);
  assert.equal(jobs.length, 1);
  return jobs[0];
}

async function manifestOf(sid) {
  return JSON.parse(await (await fetch(`${server.base}/api/v1/sessions/${sid}/files/manifest.json`)).text());
}

async function main() {
  const tvsd = path.join(work, 'tvsd'), nwb = path.join(work, 'nwb'), bad = path.join(work, 'bad');
  makeFixtures('tvsd', tvsd);
  // THINGS stimuli are JPEGs: the fixture's PNGs as JPEG (libjpeg, tests/session/make_jpeg) in stimuli/.
  fs.mkdirSync(path.join(tvsd, 'stimuli'));
  for (const f of fs.readdirSync(path.join(tvsd, 'images'))) {
    execFileSync(process.env.IRFA_MAKE_JPEG, ['baseline', '95', path.join(tvsd, 'images', f), path.join(tvsd, 'stimuli', f.replace(/\.png$/, '.jpg'))]);
  }
  fs.writeFileSync(path.join(tvsd, 'image_table.csv'), fs.readFileSync(path.join(tvsd, 'image_table.csv'), 'utf8').replaceAll('.png', '.jpg'));
  makeFixtures('nwb', nwb);
  makeFixtures('malformed', bad);
  step('fixtures: TVSD MAT v7.3 pair + channel map + RF table + 25 JPEG stimuli; NWB; malformed files');

  server = await startServer(irfa, path.join(work, 'data'), webDir, path.join(artifacts, 'serve.log'));
  browser = await launchBrowser(path.join(work, 'chromium-profile'));
  const page = browser.pages()[0] || await browser.newPage();
  const { errors, foreign } = watchPage(page, server.base);
  step(`irfa serve on port ${server.port}`);

  // 1. The same TVSD files chosen with the buttons, then dropped (five files and the stimuli folder).
  const files = ['THINGS_normMUA.mat', 'THINGS_MUA_trials.mat', 'channel_map.npy', 'rf.csv', 'image_table.csv'].map((f) => path.join(tvsd, f));
  const images = fs.readdirSync(path.join(tvsd, 'stimuli')).sort();
  assert.equal(images.length, 25);
  await freshPanel(page, 'tvsd');
  await page.getByLabel('Choose files', { exact: true }).setInputFiles(files);
  await page.getByLabel('Choose a folder', { exact: true }).setInputFiles(path.join(tvsd, 'stimuli'));
  await page.locator(`#upload-files tr[data-file="${images.at(-1)}"]`).waitFor();
  const byButtons = await listed(page);

  await freshPanel(page, 'tvsd');
  assert.equal(await page.locator('#upload-files tbody tr').count(), 0, 'a fresh panel lists nothing');
  await dropPaths(page, [...files, path.join(tvsd, 'stimuli')]);
  await page.locator(`#upload-files tr[data-file="${images.at(-1)}"]`).waitFor();
  const byDrop = await listed(page);
  assert.deepEqual(byDrop, byButtons, 'a drop lists the files as the buttons do');
  const expected = [
    ...[['THINGS_normMUA.mat', 'normmua'], ['THINGS_MUA_trials.mat', 'trials'], ['channel_map.npy', 'channel-map'],
        ['rf.csv', 'electrodes'], ['image_table.csv', 'image-table']].map(([f, role]) => ({ file: f, role, size: fs.statSync(path.join(tvsd, f)).size })),
    ...images.map((f) => ({ file: f, role: 'image', size: fs.statSync(path.join(tvsd, 'stimuli', f)).size }))]
    .map((e) => ({ ...e, state: 'ready' })).sort((a, b) => a.file.localeCompare(b.file));
  assert.deepEqual(byDrop.map((r) => ({ file: r.file, role: r.role, size: r.size, state: r.state })),
                   expected.map((r) => ({ file: r.file, role: r.role, size: r.size, state: r.state })));
  assert.equal(await page.getByLabel('Session name').inputValue(), '', 'no folder name to guess from loose files');
  assert.ok(images.every((f) => f.endsWith('.jpg')));
  step(`drop: ${byDrop.length} files (the stimuli folder read through its directory entry) listed as with the buttons`);

  // 2. Upload and import from the drop: TVSD, monkey N, z-scored per day, 16 px.
  await page.locator('.upload-panel select[name="monkey"]').selectOption('N');
  await page.getByLabel('z-score per recording day').check();
  await shot(page, '01-tvsd-dropped');
  const tvsdSid = await uploadAndImport(page, 'e2e tvsd', 16);
  const tvsdSession = await api(server.base, `/sessions/${tvsdSid}`);
  assert.deepEqual(tvsdSession.uploads.map((u) => ({ file: u.name, size: u.size })).sort((a, b) => a.file.localeCompare(b.file)),
                   expected.map((e) => ({ file: e.file, size: e.size })), 'the server holds every dropped file, whole');
  const tvsdImport = await importJobOf(tvsdSid);
  assert.equal(tvsdImport.params.format, 'tvsd');
  assert.deepEqual(tvsdImport.params.files, { normmua: 'THINGS_normMUA.mat', trials: 'THINGS_MUA_trials.mat', 'channel-map': 'channel_map.npy',
                                               electrodes: 'rf.csv', 'image-table': 'image_table.csv', images: '/' });
  assert.deepEqual(tvsdImport.params.options, { size: 16, zscore: true, monkey: 'N' });
  await page.waitForSelector('#session-detail[data-state="ready"]', { timeout: 120000 });
  const tm = await manifestOf(tvsdSid);
  assert.deepEqual([tm.n_train, tm.n_test, tm.n_electrodes, tm.image_size, tm.monkey], [20, 5, 32, 16, 'N']);
  await page.locator('#arrays-table tbody tr').first().waitFor();
  assert.equal(await page.locator('#arrays-table tbody tr').count(), tm.arrays.length);
  step(`TVSD import ${tvsdImport.id}: session ${tvsdSid} ready (20 + 5 images, 32 electrodes, ${tm.arrays.length} arrays)`);
  await shot(page, '02-tvsd-session');

  // 3. NWB with the Files button; the fixture's side arrays are listed but not uploaded.
  await freshPanel(page, 'nwb');
  await page.getByLabel('Choose files', { exact: true }).setInputFiles([path.join(nwb, 'rec.nwb'), path.join(nwb, 'nwb_levels.npy')]);
  await page.locator('#upload-files tr[data-file="nwb_levels.npy"]').waitFor();
  assert.deepEqual((await listed(page)).map((r) => [r.file, r.role, r.state]), [['nwb_levels.npy', 'ignore', 'ready'], ['rec.nwb', 'nwb', 'ready']]);
  await shot(page, '03-nwb-chosen');
  const nwbSid = await uploadAndImport(page, 'e2e nwb', 16);
  assert.deepEqual((await api(server.base, `/sessions/${nwbSid}`)).uploads.map((u) => u.name), ['rec.nwb']);
  const nwbImport = await importJobOf(nwbSid);
  assert.deepEqual([nwbImport.params.format, nwbImport.params.files], ['nwb', { nwb: 'rec.nwb' }]);
  await page.waitForSelector('#session-detail[data-state="ready"]', { timeout: 120000 });
  const nm = await manifestOf(nwbSid);
  assert.deepEqual([nm.n_train, nm.n_test, nm.n_electrodes, nm.image_size], [20, 5, 32, 16]);
  step(`NWB import ${nwbImport.id}: session ${nwbSid} ready`);
  await shot(page, '04-nwb-session');

  // 4a. Refused in the browser: a .mat that is not HDF5; a TVSD import without its normMUA file.
  const sessionsBefore = (await api(server.base, '/sessions')).sessions.length;
  await freshPanel(page, 'tvsd');
  await dropPaths(page, [path.join(bad, 'not_hdf5.mat'), path.join(tvsd, 'image_table.csv'), path.join(tvsd, 'images')]);
  const notHdf5 = page.locator('#upload-files tr[data-file="not_hdf5.mat"] .file-state');
  await notHdf5.waitFor();
  assert.equal(await notHdf5.getAttribute('data-state'), 'rejected');
  assert.match(await notHdf5.textContent(), /not HDF5 \(MATLAB files must be saved with -v7\.3\)/);
  await page.getByLabel('Session name').fill('e2e incomplete');
  await page.locator('#upload-start').click();
  const refusal = page.locator('.upload-panel .form-status .msg-error');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /This import needs the normMUA \.mat/);
  assert.equal((await api(server.base, '/sessions')).sessions.length, sessionsBefore, 'an incomplete import made no session');
  step('refused before upload: a .mat that is not HDF5, and a TVSD import without its normMUA file');
  await shot(page, '05-refused');

  // 4b. Accepted by the browser, refused by the importer: the session page shows its message.
  await freshPanel(page, 'nwb');
  await page.getByLabel('Choose files', { exact: true }).setInputFiles(path.join(bad, 'no_image_index.nwb'));
  await page.locator('#upload-files tr[data-file="no_image_index.nwb"][data-role="nwb"]').waitFor();
  const badSid = await uploadAndImport(page, 'e2e broken nwb');
  await page.waitForSelector('#session-detail[data-state="failed"]', { timeout: 120000 });
  const shown = await page.locator('#session-detail .error-box').textContent();
  assert.match(shown, /no_image_index\.nwb: missing dataset '\/intervals\/trials\/image_index'/);
  const badImport = await importJobOf(badSid);
  assert.equal(badImport.state, 'failed');
  assert.match(badImport.last_error, /missing dataset '\/intervals\/trials\/image_index'/);
  step(`NWB without trials/image_index: import ${badImport.id} failed, the session page says why`);
  await shot(page, '06-import-failed');
  await page.goto(`${server.base}/#/sessions`);
  const row = page.locator(`#sessions-table tr[data-session="${badSid}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'failed');
  assert.match(await row.locator('.err-line').textContent(), /image_index/);
  await shot(page, '07-sessions');

  assert.deepEqual(errors, [], `JavaScript errors: ${errors.join('; ')}`);
  assert.deepEqual(foreign, [], `requests that left the server: ${foreign.join(', ')}`);
  step('all checks passed');
}

await runTest('web_imports', main, work, () => ({ browser, server }));
