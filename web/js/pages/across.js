// Across stimuli: per array, the mean and standard deviation over test images of the spatial IRF
// map and of the feature IRF vector (the paper finds stable spatial IRFs and stimulus-dependent
// feature IRFs), and for a simulated session the true RF of each array beside its learned map.
import { h, message } from '../dom.js';
import { fetchBytes, get } from '../api.js';
import { parseNpy } from '../npy.js';
import { lutFor } from '../colormaps.js';
import { num } from '../format.js';
import { Heatmap, colorBar, rangeOf } from '../views/heatmap.js';
import { headsOf } from '../explorer_heads.js';
import { explorableJobs, jobLabel, reconstructionOf } from '../irf_jobs.js';
import { electrodes, manifest, SESSION_FILES_MISSING, sessionFilesUnavailable } from '../session_files.js';

/* Mean and population standard deviation over the first axis of (N, K) data, per k. */
export function meanStd(data, N, K) {
  const mean = new Float32Array(K), std = new Float32Array(K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) mean[k] += data[n * K + k] / N;
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) { const d = data[n * K + k] - mean[k]; std[k] += (d * d) / N; }
  for (let k = 0; k < K; k++) std[k] = Math.sqrt(std[k]);
  return { mean, std };
}

/* Sum of the array's electrodes' Gaussian RFs on an I x I grid (centres and sigma as fractions). */
export function trueRfMap(els, I) {
  const map = new Float32Array(I * I);
  for (const e of els) {
    if (e.rf_x === null || e.rf_y === null) continue;
    const s = Math.max(e.rf_size || 0.02, 0.5 / I);
    for (let y = 0; y < I; y++) for (let x = 0; x < I; x++) {
      const dx = (x + 0.5) / I - e.rf_x, dy = (y + 0.5) / I - e.rf_y;
      map[y * I + x] += Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
    }
  }
  return map;
}

function pearson(a, b) {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

const avg = (v) => v.reduce((a, b) => a + b, 0) / v.length;

export async function render(main, id) {
  main.append(h('h1', {}, 'Across stimuli'));
  if (!id) {
    const jobs = await explorableJobs();
    main.append(jobs.length ? h('ul', {}, jobs.map((j) => h('li', {}, h('a', { href: `#/across/${j.id}` }, jobLabel(j)))))
      : message('info', 'No finished training job yet.'));
    return null;
  }
  const job = await get(`/jobs/${id}`);
  const recon = await reconstructionOf(job);
  const src = recon && recon.state === 'succeeded' ? recon : job;
  const status = h('p.muted', {}, 'Loading the IRF arrays of every test image…');
  main.append(h('p', {}, jobLabel(job), ' · ', h('a', { href: `#/explore/${id}` }, 'explorer')), status);
  const [sp, fe] = await Promise.all([fetchBytes(`/jobs/${src.id}/files/irf_spatial.npy`).then((b) => parseNpy(b, 'irf_spatial.npy')),
                                      fetchBytes(`/jobs/${src.id}/files/irf_feature.npy`).then((b) => parseNpy(b, 'irf_feature.npy'))]);
  const [N, H, I] = sp.shape, C = fe.shape[2];
  const { heads } = await headsOf(job.session_id, H);
  const [man, els] = await Promise.all([manifest(job.session_id).catch(() => null), electrodes(job.session_id).catch(() => null)]);
  const simulated = man && man.source === 'simulate' && els;
  const lut = lutFor('viridis');
  const spatial = meanStd(sp.data, N, H * I * I), feature = meanStd(fe.data, N, H * C);
  status.textContent = `${N} test images, ${H} arrays, ${C} features, ${I} × ${I} grid. Each map and strip has its own colour scale (viridis, low to high).`;
  if (!simulated && sessionFilesUnavailable()) main.append(message('info', `${SESSION_FILES_MISSING} True RFs cannot be compared.`));

  const map = (values, rows, cols, w, hgt, label) => {
    const hm = new Heatmap({ rows, cols, width: w, height: hgt, label, crosshair: false });
    const [lo, hi] = rangeOf(values);
    hm.setData(values, lo, hi, lut);
    return h('div.cell', {}, hm.canvas, h('small.muted', {}, `${lo.toPrecision(2)}–${hi.toPrecision(2)}`));
  };
  const rows = heads.map((a, j) => {
    const ms = spatial.mean.subarray(j * I * I, (j + 1) * I * I), ss = spatial.std.subarray(j * I * I, (j + 1) * I * I);
    const mf = feature.mean.subarray(j * C, (j + 1) * C), sf = feature.std.subarray(j * C, (j + 1) * C);
    // Variability relative to size: mean std / mean |mean|, comparable between maps and vectors.
    const cvSpatial = avg(ss) / (avg(ms.map(Math.abs)) || 1), cvFeature = avg(sf) / (avg(mf.map(Math.abs)) || 1);
    let truth = null, r = null;
    if (simulated) {
      const t = trueRfMap(els.filter((e) => e.array === a.id), I);
      r = pearson(t, ms);
      truth = map(t, I, I, 72, 72, `true RF of ${a.label}`);
    }
    return h('tr', { dataset: { head: j, cvSpatial, cvFeature, rTrue: r ?? '' } },
      h('th', {}, h('span.swatch', { style: { background: a.color } }), ` ${a.label}`),
      h('td', {}, map(ms, I, I, 72, 72, `mean spatial IRF of ${a.label}`)), h('td', {}, map(ss, I, I, 72, 72, `std of spatial IRF of ${a.label}`)),
      simulated ? h('td', {}, truth, h('small', {}, ` r = ${num(r, 2)}`)) : null,
      h('td', {}, map(mf, 1, C, Math.min(C * 8, 256), 14, `mean feature IRF of ${a.label}`)),
      h('td', {}, map(sf, 1, C, Math.min(C * 8, 256), 14, `std of feature IRF of ${a.label}`)),
      h('td.num', {}, num(cvSpatial, 3)), h('td.num', {}, num(cvFeature, 3)));
  });
  const cvS = avg(rows.map((r) => Number(r.dataset.cvSpatial))), cvF = avg(rows.map((r) => Number(r.dataset.cvFeature)));
  main.append(
    h('p', {}, `Relative variability over stimuli (mean std / mean value), averaged over arrays: spatial ${num(cvS, 3)}, feature ${num(cvF, 3)}. `,
      cvS < cvF ? 'As in the paper, the spatial IRFs are more stable across stimuli than the feature IRFs.'
                : 'Here the spatial IRFs vary as much as or more than the feature IRFs (a short training run often does).'),
    h('div.scroll', {}, h('table.list.compact#across-table', {}, h('thead', {}, h('tr', {}, ['Array', 'Spatial mean', 'Spatial std', simulated ? 'True RF (sum of Gaussians)' : null,
      'Feature mean', 'Feature std', 'CV spatial', 'CV feature'].filter(Boolean).map((c) => h('th', {}, c)))), h('tbody', {}, rows))),
    colorBar(lut, 0, 1, 'per map: its minimum to its maximum'));
  return null;
}
