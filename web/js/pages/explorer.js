// The IRF explorer: a test image's stimulus and reconstruction, the spatial IRF of every array
// (mean over features, grouped by area), the dominant-array map and the feature IRF matrix. Hovering
// or clicking a pixel puts a crosshair on every view and shows that pixel's IRF (arrays x features
// from attention.npy, via /irf/pixel) as a heatmap and per-array bars; arrow keys move the pinned pixel.
import { clear, field, h, message } from '../dom.js';
import { fetchBytes, get, imageUrl } from '../api.js';
import { parseNpy } from '../npy.js';
import { lutFor } from '../colormaps.js';
import { Heatmap, colorBar, rangeOf } from '../views/heatmap.js';
import { irfBars } from '../views/irf_bars.js';
import { headsOf } from '../explorer_heads.js';
import { ACTIVE, explorableJobs, jobLabel, queueReconstruction, reconstructionOf, rerender, watchJob } from '../irf_jobs.js';
import { SESSION_FILES_MISSING, sessionFilesUnavailable, stimulusRgba, testStimuli } from '../session_files.js';
import { setQuery } from '../nav.js';
import { progressBar, stateBadge } from '../job_widgets.js';

const VIEW_PX = 256, MAP_PX = 96;

export async function render(main, id, query) {
  const jobs = await explorableJobs();
  main.append(h('h1', {}, 'IRF explorer'));
  if (!id) {
    if (!jobs.length) {
      // A training job still on its way (the demo's, say): follow it and open it when it has succeeded.
      const { jobs: active } = await get('/jobs?kind=train&limit=50');
      // The running one, else the oldest queued (the list is newest first): the first to finish.
      const pending = active.find((j) => j.state === 'running') || active.filter((j) => ACTIVE.has(j.state)).at(-1);
      if (pending) {
        history.replaceState(null, '', `#/explore/${pending.id}`);
        return waitForJob(main, pending, rerender);
      }
      main.append(message('info', 'No finished training job yet. Queue one on the Jobs page (or start the server with --demo) and come back when it has succeeded.'));
      return null;
    }
    const train = jobs.find((j) => j.kind === 'train') || jobs[0];
    history.replaceState(null, '', `#/explore/${train.id}`);
    id = train.id;
  }
  const job = await get(`/jobs/${id}`);
  if (ACTIVE.has(job.state)) return waitForJob(main, job, rerender);
  if (job.state !== 'succeeded') {
    main.append(message('info', `Job ${id} is ${job.state}; only a succeeded job has IRFs to explore.`), h('a', { href: `#/job/${id}` }, 'See the job'));
    return null;
  }
  const recon = await reconstructionOf(job);
  const irfJob = recon && recon.state === 'succeeded' ? recon : null;
  const src = irfJob || job;                // the job whose arrays are read
  const feat = parseNpy(await fetchBytes(`/jobs/${src.id}/files/irf_feature.npy`), 'irf_feature.npy');
  const [N, H, C] = feat.shape;
  const { heads, byArea, fromManifest } = await headsOf(job.session_id, H);

  const state = {
    image: Math.min(Math.max(0, Number(query.get('image')) || 0), N - 1),
    pinned: null, hover: null, grid: null, spatial: null, pixel: null, cmap: query.get('cmap') || 'viridis',
    norm: query.get('norm') || 'per-map', pixelSeq: 0,
  };
  if (query.has('x') && query.has('y')) state.pinned = [Number(query.get('x')), Number(query.get('y'))];

  // Controls
  const jobSel = h('select#explore-job', { 'aria-label': 'Job' }, jobs.map((j) => h('option', { value: j.id, selected: j.id === id }, jobLabel(j))));
  jobSel.addEventListener('change', () => { location.hash = `#/explore/${jobSel.value}`; });
  const imageSel = h('select#explore-image', { 'aria-label': 'Test image' }, Array.from({ length: N }, (_, k) => h('option', { value: k }, `test image ${k}`)));
  imageSel.value = String(state.image);
  imageSel.addEventListener('change', () => loadImage(Number(imageSel.value)));
  const prev = h('button', { type: 'button', 'aria-label': 'previous image', onclick: () => loadImage((state.image + N - 1) % N) }, '◀');
  const next = h('button', { type: 'button', 'aria-label': 'next image', onclick: () => loadImage((state.image + 1) % N) }, '▶');
  const cmapSel = h('select#explore-cmap', {}, ['viridis', 'cubehelix'].map((c) => h('option', { value: c, selected: c === state.cmap }, c)));
  cmapSel.addEventListener('change', () => { state.cmap = cmapSel.value; syncUrl(); drawMaps(); drawPixel(); });
  const normSel = h('select#explore-norm', {}, [['per-map', 'per map'], ['shared', 'shared across arrays']].map(([v, l]) => h('option', { value: v, selected: v === state.norm }, l)));
  normSel.addEventListener('change', () => { state.norm = normSel.value; syncUrl(); drawMaps(); });
  const controls = h('div.row.controls', {}, field('Job', jobSel), h('div.row', {}, prev, field('Image', imageSel), next),
    field('Colour map', cmapSel), field('Normalisation', normSel));

  const notes = h('div');
  let stopNote = null;
  if (!irfJob) {
    const note = attentionNote(job, recon);
    notes.append(note.box);
    stopNote = note.stop;
  }
  if (!fromManifest) notes.append(message('info', sessionFilesUnavailable() ? `${SESSION_FILES_MISSING} Arrays are shown as numbered heads without their areas.`
    : 'The session manifest could not be read; arrays are shown as numbered heads.'));

  // Views
  const stimView = h('div.view#stimulus-view', {}, h('h3', {}, 'Stimulus'));
  const reconMap = new Heatmap({ rows: 1, cols: 1, width: VIEW_PX, height: VIEW_PX, label: 'reconstruction' });
  const reconView = h('div.view#reconstruction-view', {}, h('h3', {}, 'Reconstruction'), reconMap.canvas,
    h('small.muted', {}, 'hover: inspect · click: pin · arrows: move the pin'));
  const domMap = new Heatmap({ rows: 1, cols: 1, width: VIEW_PX, height: VIEW_PX, label: 'dominant array per pixel' });
  const domView = h('div.view#dominant-view', {}, h('h3', {}, 'Dominant array'), domMap.canvas,
    h('div.legend', {}, heads.map((a) => h('span.legend-item', {}, h('span.swatch', { style: { background: a.color } }), a.label))));
  const pixelBox = h('section.card#pixel-irf', { 'aria-live': 'polite', dataset: { state: 'idle' } });
  const mapsBox = h('section#spatial-maps');
  const featureBox = h('section#feature-irf');
  main.append(controls, notes,
    h('div.views', {}, stimView, reconView, domView), pixelBox,
    h('h2', {}, 'Spatial IRF per array (mean over features)'), mapsBox,
    h('h2', {}, 'Feature IRF (arrays × features, sum over pixels)'), featureBox);

  let stimMap = null, stimData = null;
  const allMaps = [reconMap, domMap];
  let spatialMaps = [];

  function syncUrl() {
    const q = new URLSearchParams({ image: state.image });
    if (state.pinned) { q.set('x', state.pinned[0]); q.set('y', state.pinned[1]); }
    if (state.cmap !== 'viridis') q.set('cmap', state.cmap);
    if (state.norm !== 'per-map') q.set('norm', state.norm);
    setQuery(q);
  }

  function current() { return state.hover || state.pinned; }

  function wire(map) {
    map.on('hover', (x, y) => setPixel([x, y], false));
    map.on('click', (x, y) => setPixel([x, y], true));
    map.on('leave', () => { state.hover = null; showPixel(); });
  }

  // Views of other grids (the stimulus) report their own coordinates: map them onto the IRF grid.
  function toGrid(map, x, y) {
    return [Math.floor(((x + 0.5) / map.cols) * state.grid), Math.floor(((y + 0.5) / map.rows) * state.grid)];
  }

  function setPixel(p, pin) {
    if (pin) { state.pinned = p; state.hover = null; syncUrl(); } else state.hover = p;
    showPixel();
  }

  function showPixel() {
    const p = current();
    const frac = p ? [(p[0] + 0.5) / state.grid, (p[1] + 0.5) / state.grid] : [null, null];
    for (const m of [...allMaps, ...spatialMaps, stimMap].filter(Boolean)) m.setCrosshair(frac[0], frac[1]);
    if (p) loadPixel(p);
  }

  async function loadPixel([x, y]) {
    const seq = ++state.pixelSeq;
    const image = state.image;
    if (!irfJob) {
      // Without attention.npy the spatial maps still give each array's mean weight at this pixel.
      state.pixel = { image, x, y, matrix: null, totals: state.spatial.map((m) => m[y][x] * C), source: 'spatial' };
      drawPixel();
      return;
    }
    pixelBox.dataset.state = 'loading';
    try {
      const r = await get(`/jobs/${irfJob.id}/irf/pixel?image=${image}&x=${x}&y=${y}`);
      if (seq !== state.pixelSeq) return;       // a newer pixel was asked for meanwhile
      state.pixel = { image, x, y, matrix: r.matrix, totals: r.matrix.map((row) => row.reduce((a, b) => a + b, 0)), source: 'attention' };
      drawPixel();
    } catch (e) {
      if (seq !== state.pixelSeq) return;
      pixelBox.dataset.state = 'error';
      pixelBox.replaceChildren(message('error', `Per-pixel IRF of (${x}, ${y}): ${e.message}`));
    }
  }

  function drawPixel() {
    const p = state.pixel;
    if (!p) {
      pixelBox.dataset.state = 'idle';
      pixelBox.replaceChildren(h('h2', {}, 'Pixel IRF'), h('p.muted', {}, 'Hover over the reconstruction (or any map) to see which arrays and features produced a pixel.'));
      return;
    }
    const lut = lutFor(state.cmap);
    Object.assign(pixelBox.dataset, { state: 'ready', job: irfJob ? irfJob.id : src.id, image: p.image, x: p.x, y: p.y, source: p.source,
                                      totals: JSON.stringify(p.totals), matrix: p.matrix ? JSON.stringify(p.matrix) : '' });
    const parts = [h('h2', {}, `Pixel IRF at x = ${p.x}, y = ${p.y}`, state.pinned && state.pinned[0] === p.x && state.pinned[1] === p.y ? ' (pinned)' : '')];
    const bars = irfBars(heads, p.totals, heads.map((a) => a.color));
    if (p.matrix) {
      const flat = p.matrix.flat();
      const [lo, hi] = rangeOf(flat);
      const hm = new Heatmap({ rows: H, cols: C, width: Math.min(480, Math.max(C * 12, 160)), height: H * 14, label: 'pixel IRF: arrays by features', crosshair: false });
      hm.setData(flat, lo, hi, lut);
      hm.canvas.title = 'rows: arrays, columns: features';
      parts.push(h('div.row.top', {},
        h('div', {}, h('h3', {}, 'Arrays × features'), h('div.row.top', {}, h('div.row-labels', {}, heads.map((a) => h('span', {}, a.label))), hm.canvas), colorBar(lut, lo, hi, 'weight')),
        h('div.grow', {}, h('h3', {}, 'Per array (sum over features)'), bars)));
    } else {
      parts.push(h('p.muted', {}, 'Per-array weight from the spatial maps (mean over features × c); the arrays × features matrix needs attention.npy.'), bars);
    }
    pixelBox.replaceChildren(...parts);
  }

  function drawMaps() {
    if (!state.spatial) return;
    const lut = lutFor(state.cmap);
    const I = state.grid;
    const ranges = state.spatial.map((m) => rangeOf(m.flat()));
    const shared = [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
    clear(mapsBox);
    spatialMaps = [];
    if (state.norm === 'shared') mapsBox.append(colorBar(lut, shared[0], shared[1], 'shared scale, all arrays'));
    for (const [area, idx] of Object.entries(byArea)) {
      const group = h('div.area-group', {}, h('h3', {}, area === '?' ? 'arrays' : area));
      const row = h('div.maps', {});
      for (const j of idx) {
        const hm = new Heatmap({ rows: I, cols: I, width: MAP_PX, height: MAP_PX, label: `spatial IRF of ${heads[j].label}` });
        const [lo, hi] = state.norm === 'shared' ? shared : ranges[j];
        hm.setData(state.spatial[j].flat(), lo, hi, lut);
        wire(hm);
        spatialMaps.push(hm);
        row.append(h('figure.map', { dataset: { head: j } }, hm.canvas,
          h('figcaption', {}, h('span.swatch', { style: { background: heads[j].color } }), ` ${heads[j].label}`,
            state.norm === 'shared' ? null : h('small.muted', {}, ` ${lo.toFixed(3)}–${hi.toFixed(3)}`))));
      }
      group.append(row);
      mapsBox.append(group);
    }
    // Dominant array: argmax over heads per pixel.
    const rgba = new Uint8ClampedArray(I * I * 4);
    const parsed = heads.map((a) => a.color);
    const ctx = document.createElement('canvas').getContext('2d');
    const rgbOf = parsed.map((c) => { ctx.fillStyle = c; const v = parseInt(ctx.fillStyle.slice(1), 16); return [(v >> 16) & 255, (v >> 8) & 255, v & 255]; });
    for (let y = 0; y < I; y++) for (let x = 0; x < I; x++) {
      let best = 0;
      for (let j = 1; j < H; j++) if (state.spatial[j][y][x] > state.spatial[best][y][x]) best = j;
      const o = (y * I + x) * 4;
      [rgba[o], rgba[o + 1], rgba[o + 2]] = rgbOf[best];
      rgba[o + 3] = 255;
    }
    domMap.setRgba(rgba);
    // Feature IRF matrix of this image.
    const f = feat.data.subarray(state.image * H * C, (state.image + 1) * H * C);
    const [flo, fhi] = rangeOf(f);
    const fm = new Heatmap({ rows: H, cols: C, width: Math.min(640, Math.max(C * 12, 200)), height: H * 14, label: 'feature IRF matrix', crosshair: false });
    fm.setData(f, flo, fhi, lut);
    featureBox.replaceChildren(h('div.row.top', {}, h('div.row-labels', {}, heads.map((a) => h('span', {}, a.label))), fm.canvas),
      colorBar(lut, flo, fhi, `sum over pixels; columns: the ${C} features`));
    showPixel();
  }

  async function loadImage(n) {
    state.image = n;
    imageSel.value = String(n);
    syncUrl();
    const sp = await get(`/jobs/${src.id}/irf/spatial?image=${n}`);
    state.spatial = sp.maps;
    if (state.grid !== sp.width) {
      state.grid = sp.width;
      for (const m of [reconMap, domMap]) {
        m.rows = m.cols = state.grid;
        m.native.width = m.native.height = state.grid;
      }
      wire(reconMap);
      wire(domMap);
    }
    const img = new Image();
    img.src = await imageUrl(`/jobs/${src.id}/reconstructions/${n}.png`);
    await img.decode();
    reconMap.setImage(img);
    drawStimulus(n);
    if (state.pinned) state.pinned = state.pinned.map((v) => Math.min(Math.max(0, v), state.grid - 1));
    drawMaps();
  }

  function drawStimulus(n) {
    stimView.replaceChildren(h('h3', {}, 'Stimulus'));
    if (!stimData) {
      stimView.append(h('p.muted.placeholder', {}, sessionFilesUnavailable() ? 'not served by this server' : 'loading…'));
      return;
    }
    const { rgba, width, height } = stimulusRgba(stimData, n);
    stimMap = new Heatmap({ rows: height, cols: width, width: VIEW_PX, height: VIEW_PX, label: `stimulus ${n}` });
    stimMap.setRgba(rgba);
    stimMap.on('hover', (x, y) => setPixel(toGrid(stimMap, x, y), false));
    stimMap.on('click', (x, y) => setPixel(toGrid(stimMap, x, y), true));
    stimMap.on('leave', () => { state.hover = null; showPixel(); });
    stimView.append(stimMap.canvas);
  }

  function onKey(e) {
    if (!state.grid || ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName)) return;
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const step = e.shiftKey ? 4 : 1;
    const p = state.pinned || [state.grid >> 1, state.grid >> 1];
    setPixel([Math.min(state.grid - 1, Math.max(0, p[0] + d[0] * step)), Math.min(state.grid - 1, Math.max(0, p[1] + d[1] * step))], true);
  }
  document.addEventListener('keydown', onKey);

  drawPixel();
  await loadImage(state.image);
  testStimuli(job.session_id).then((s) => { stimData = s; drawStimulus(state.image); showPixel(); })
    .catch((e) => stimView.append(message('error', e.message)));
  if (!fromManifest && sessionFilesUnavailable() && !notes.textContent.includes('does not serve')) notes.append(message('info', SESSION_FILES_MISSING));

  // Debug/test hook: what the explorer shows, to compare with the API without reading pixels.
  window.irfaExplorer = { get state() { return { ...state, job: job.id, irfJob: irfJob && irfJob.id, source: src.id, arrays: H, features: C, images: N }; },
                          setPixel: (x, y, pin = false) => setPixel([x, y], pin) };
  return () => { document.removeEventListener('keydown', onKey); if (stopNote) stopNote(); delete window.irfaExplorer; };
}

function progressLine(j) {
  return h('span.row', {}, stateBadge(j.state), progressBar(j.progress, `progress of ${j.id}`),
    h('small.muted', {}, j.message || ''));
}

/* The job to explore is still queued or running: show where it is and open it when it has succeeded. */
function waitForJob(main, job, done) {
  const line = h('span', {}, progressLine(job));
  const box = h('div.msg.msg-info#explore-waiting', { role: 'status', dataset: { job: job.id } },
    h('p', {}, `${job.kind} job `, h('a', { href: `#/job/${job.id}` }, job.id), ' has not finished yet; its IRFs appear here as soon as it has succeeded.'),
    line);
  main.append(box);
  return watchJob(job.id, (j) => line.replaceChildren(progressLine(j)), done);
}

/* Train jobs write no attention.npy. A train job queued with per_pixel_irfs (the UI's and the demo's)
 * gets its reconstruct job (attention.npy) and evaluate job from the server when it succeeds: show that
 * one's progress and fill in when it is done. Otherwise (older jobs, or a failed attempt) offer to queue
 * them. Returns {box, stop}. */
function attentionNote(job, recon) {
  const box = h('div.msg.msg-info#attention-note', { role: 'status' });
  let stop = null;
  const following = (r, auto) => {
    const line = h('span', {}, progressLine(r));
    box.dataset.state = 'computing';
    box.dataset.job = r.id;
    box.replaceChildren(h('p', {}, 'Per-pixel IRFs are being computed by reconstruct job ', h('a', { href: `#/job/${r.id}` }, r.id),
      auto ? ', queued by the server when training finished' : '', '. Spatial and feature IRFs are shown meanwhile; the rest fills in when it is done.'), line);
    stop = watchJob(r.id, (j) => line.replaceChildren(progressLine(j)), rerender);
  };
  if (recon && ACTIVE.has(recon.state)) {
    following(recon, recon.params?.follow_up_of === job.id);
    return { box, stop: () => stop && stop() };
  }
  box.dataset.state = 'missing';
  const failed = recon && recon.state === 'failed' ? ` The last attempt (${recon.id}) failed: ${recon.last_error || 'no message'}.` : '';
  const btn = h('button.primary#compute-attention', { type: 'button' }, 'Compute per-pixel IRFs');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const { recon: r } = await queueReconstruction(job);
      following(r, false);
    } catch (e) {
      box.append(message('error', e.message));
      btn.disabled = false;
    }
  });
  box.append(`This ${job.kind} job has spatial and feature IRFs but no per-pixel attention (attention.npy).${failed} `, btn,
    ' queues a reconstruct job of its model that writes it, and an evaluation for the per-image metrics.');
  return { box, stop: () => stop && stop() };
}
