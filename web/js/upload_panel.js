// Create a session from files: drag files or a whole folder in, see what each file will be used
// for (or why it is refused), stream them to the server with a progress bar per file and overall,
// then queue the import job (npy, TVSD or NWB).
import { clear, field, h, message } from './dom.js';
import { post, uploadFile } from './api.js';
import { bytes } from './format.js';
import { FORMATS, ROLE_LABELS, filesOfDrop, guessRole, imageTableFor, missingFor, rejectReason, uploadName } from './file_roles.js';

async function sha256Hex(file) {
  // Checksums need the whole file in memory and a secure context (localhost or https); large files
  // go without one (the server still computes and reports its own).
  if (!crypto.subtle || file.size > 256 * 1024 * 1024) return null;
  const d = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function uploadPanel(onImportQueued) {
  let entries = [];       // {file, relPath, name, role, reason, loaded, state, row}
  let sessionId = null;
  const nameIn = h('input', { type: 'text', name: 'session-name', required: true, maxlength: 200, placeholder: 'e.g. monkey N day 3' });
  const formatSel = h('select', { name: 'format' }, Object.entries(FORMATS).map(([k, f]) => h('option', { value: k }, f.label)));
  const sizeIn = h('input', { type: 'number', name: 'size', min: 8, max: 1024, placeholder: '128' });
  const monkeySel = h('select', { name: 'monkey' }, h('option', { value: 'N' }, 'N'), h('option', { value: 'F' }, 'F'));
  const zscore = h('input', { type: 'checkbox', name: 'zscore' });
  const filter = h('input', { type: 'checkbox', name: 'filter' });
  const fileIn = h('input', { type: 'file', multiple: true, 'aria-label': 'Choose files' });
  const dirIn = h('input', { type: 'file', multiple: true, webkitdirectory: true, 'aria-label': 'Choose a folder' });
  const list = h('tbody');
  const overall = h('progress#upload-overall', { max: 1, value: 0, 'aria-label': 'overall upload progress' });
  const overallText = h('span.muted');
  const status = h('div.form-status', { 'aria-live': 'polite' });
  const startBtn = h('button.primary#upload-start', { type: 'button', disabled: true }, 'Upload and import');
  const drop = h('div.dropzone#dropzone', { tabindex: 0, role: 'button', 'aria-label': 'Drop recording files or a session folder here, or press Enter to choose files' },
    h('strong', {}, 'Drop files or a folder here'), h('span.muted', {}, ' (or use the buttons below)'));

  for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    try {
      addFiles(await filesOfDrop(e.dataTransfer));
    } catch (err) {
      status.replaceChildren(message('error', `The dropped files could not be read (${err.message || err.name}); try the Files / Folder buttons.`));
    }
  });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') fileIn.click(); });
  fileIn.addEventListener('change', () => addFiles([...fileIn.files].map((file) => ({ file, relPath: file.name }))));
  dirIn.addEventListener('change', () => addFiles([...dirIn.files].map((file) => ({ file, relPath: file.webkitRelativePath || file.name }))));
  formatSel.addEventListener('change', () => { entries.forEach((e) => { e.role = e.reason ? 'ignore' : guessRole(formatSel.value, e.name, e.relPath); }); draw(); });

  async function addFiles(items) {
    // By path, so that a folder's files read as a list (a drop gives them in directory order).
    items = [...items].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
    for (const { file, relPath } of items) {
      const name = uploadName(relPath);
      if (entries.some((e) => e.name === name)) {
        status.replaceChildren(message('error', `“${name}” was added twice; the second copy is ignored.`));
        continue;
      }
      const reason = await rejectReason(file, name);
      entries.push({ file, relPath, name, reason, role: reason ? 'ignore' : guessRole(formatSel.value, name, relPath), loaded: 0, state: reason ? 'rejected' : 'ready' });
    }
    if (!nameIn.value && items.length) nameIn.value = items[0].relPath.includes('/') ? items[0].relPath.split('/')[0] : '';
    draw();
  }

  function draw() {
    clear(list);
    const roles = FORMATS[formatSel.value].roles;
    for (const e of entries) {
      const roleSel = h('select', { 'aria-label': `use of ${e.name}`, disabled: !!e.reason || e.state !== 'ready' },
        roles.map((r) => h('option', { value: r, selected: r === e.role }, ROLE_LABELS[r])));
      roleSel.addEventListener('change', () => { e.role = roleSel.value; draw(); });
      e.bar = h('progress', { max: e.file.size || 1, value: e.loaded, 'aria-label': `upload of ${e.name}` });
      e.stateCell = h('td.file-state', { dataset: { state: e.state } }, e.reason || e.state);
      list.append(h('tr', { dataset: { file: e.name, role: e.role, size: e.file.size } }, h('td', {}, e.name), h('td', {}, bytes(e.file.size)), h('td', {}, roleSel),
        h('td', {}, e.bar), e.stateCell));
    }
    const chosen = entries.filter((e) => !e.reason && e.role !== 'ignore');
    startBtn.disabled = !chosen.length;
    const rejected = entries.filter((e) => e.reason).length;
    overallText.textContent = `${chosen.length} file(s) to upload, ${bytes(chosen.reduce((a, e) => a + e.file.size, 0))}` +
      (rejected ? `; ${rejected} refused (see the reasons in the list)` : '');
  }

  function filesMapping(chosen) {
    const files = {};
    const problems = [];
    for (const e of chosen) {
      if (e.role === 'image') { files.images = '/'; continue; }
      if (files[e.role]) problems.push(`two files are marked as ${ROLE_LABELS[e.role]}: ${files[e.role]} and ${e.name}`);
      files[e.role] = e.name;
    }
    return { files, problems };
  }

  startBtn.addEventListener('click', async () => {
    status.replaceChildren();
    const name = nameIn.value.trim();
    if (!name) { status.append(message('error', 'Give the session a name.')); nameIn.focus(); return; }
    const chosen = entries.filter((e) => !e.reason && e.role !== 'ignore');
    const missing = missingFor(formatSel.value, chosen.map((e) => e.role));
    if (missing.length) {
      status.append(message('error', `This import needs ${missing.join(', ')}: add the file, or choose its use in the “Used as” column.`));
      return;
    }
    let tableText = null;
    if (chosen.some((e) => e.role === 'image') && !chosen.some((e) => e.role === 'image-table')) {
      tableText = imageTableFor(chosen);
      if (!tableText) {
        status.append(message('error', 'Images need an image table (CSV split,index,file), or drop them in the session layout stimuli/train/NNNNNN.png, stimuli/test/NNNNNN.png.'));
        return;
      }
    }
    const { files, problems } = filesMapping(chosen);
    if (tableText) files['image-table'] = 'image_table.csv';
    if (problems.length) { status.append(message('error', problems.join('; '))); return; }
    startBtn.disabled = true;
    const uploads = chosen.map((e) => ({ e, file: e.file, name: e.name }));
    if (tableText) uploads.push({ e: null, file: new File([tableText], 'image_table.csv', { type: 'text/csv' }), name: 'image_table.csv' });
    const total = uploads.reduce((a, u) => a + u.file.size, 0) || 1;
    let done = 0;
    try {
      if (!sessionId) sessionId = (await post('/sessions', { name })).id;
      status.append(message('info', `Session ${sessionId} created; uploading…`));
      for (const u of uploads) {
        if (u.e && u.e.state === 'uploaded') { done += u.file.size; continue; }
        const mark = (state, text) => { if (u.e) { u.e.state = state; u.e.stateCell.dataset.state = state; u.e.stateCell.textContent = text || state; } };
        mark('uploading');
        try {
          const sum = await sha256Hex(u.file);
          await uploadFile(`/sessions/${sessionId}/files/${encodeURIComponent(u.name)}`, u.file, (loaded) => {
            if (u.e) u.e.bar.value = loaded;
            overall.value = (done + loaded) / total;
          }, sum);
          mark('uploaded', sum ? 'uploaded, checksum verified' : 'uploaded');
        } catch (err) {
          mark('failed', `failed: ${err.message}`);
          throw new Error(`${u.name}: ${err.message}`);
        }
        done += u.file.size;
        overall.value = done / total;
      }
      const options = {};
      if (sizeIn.value) options.size = Number(sizeIn.value);
      if (zscore.checked) options.zscore = true;
      if (filter.checked) options.filter = true;
      if (formatSel.value === 'tvsd') options.monkey = monkeySel.value;
      const job = await post(`/sessions/${sessionId}/import`, { format: formatSel.value, files, options });
      status.replaceChildren(message('ok', `Uploaded ${uploads.length} file(s). Import job ${job.id} queued.`));
      onImportQueued(sessionId, job);
    } catch (err) {
      status.append(message('error', `Upload stopped: ${err.message}. Fix it and press the button again; files already uploaded are kept.`));
      startBtn.disabled = false;
    }
  });

  return h('div.upload-panel', {},
    h('div.grid-fields', {}, field('Session name', nameIn), field('Format', formatSel),
      field('Stimulus size (px)', sizeIn, 'stored grid; default 128'), field('Monkey (TVSD)', monkeySel),
      h('label.check', {}, zscore, ' z-score per recording day'), h('label.check', {}, filter, ' keep reliable electrodes with a mapped RF')),
    drop, h('div.row', {}, h('span', {}, 'Files: '), fileIn, h('span', {}, ' Folder: '), dirIn),
    h('table.list.compact#upload-files', {}, h('thead', {}, h('tr', {}, ['File', 'Size', 'Used as', 'Upload', 'State'].map((c) => h('th', {}, c)))), list),
    h('div.row', {}, startBtn, overall, overallText), status);
}
