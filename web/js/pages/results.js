// Results of a trained model: test stimuli beside their reconstructions with per-image SSIM and
// pixel r, the summary metrics (2-way identification, colourfulness) from the evaluate job, and
// downloads (reconstructions, checkpoint, metrics).
import { h, message } from '../dom.js';
import { downloadHref, fetchBytes, get, imageUrl, post } from '../api.js';
import { num, pct } from '../format.js';
import { parseNpy } from '../npy.js';
import { stateBadge } from '../job_widgets.js';
import { ACTIVE, evaluationOf, explorableJobs, jobLabel, modelOfJob, queueReconstruction, reconstructionOf, rerender, watchJob } from '../irf_jobs.js';
import { SESSION_FILES_MISSING, sessionFilesUnavailable, stimulusRgba, testStimuli } from '../session_files.js';

function stimulusCanvas(stim, n, px) {
  const { rgba, width, height } = stimulusRgba(stim, n);
  const src = document.createElement('canvas');
  src.width = width; src.height = height;
  src.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  const c = h('canvas.thumb', { width: px, height: px, role: 'img', 'aria-label': `stimulus ${n}` });
  const ctx = c.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, px, px);
  return c;
}

export async function render(main, id) {
  main.append(h('h1', {}, 'Results'));
  if (!id) {
    const jobs = await explorableJobs();
    main.append(jobs.length ? h('ul', {}, jobs.map((j) => h('li', {}, h('a', { href: `#/results/${j.id}` }, jobLabel(j)))))
      : message('info', 'No finished training job yet.'));
    return null;
  }
  const job = await get(`/jobs/${id}`);
  if (job.state !== 'succeeded') { main.append(message('info', `Job ${id} is ${job.state}.`)); return null; }
  const [recon, model] = await Promise.all([reconstructionOf(job), modelOfJob(job)]);
  const evaluation = recon && recon.state === 'succeeded' ? await evaluationOf(recon) : null;
  const m = evaluation && evaluation.state === 'succeeded' ? evaluation.metrics : null;
  const feat = parseNpy(await fetchBytes(`/jobs/${id}/files/irf_feature.npy`), 'irf_feature.npy');
  const N = feat.shape[0];

  main.append(h('p', {}, jobLabel(job), ' · ', h('a', { href: `#/explore/${id}` }, 'explore its IRFs'), ' · ', h('a', { href: `#/across/${id}` }, 'across stimuli')));
  const summary = h('section.card#summary-metrics');
  let stop = null;
  if (m) {
    summary.append(h('h2', {}, 'Summary'), h('table.list.compact', {}, h('tbody', {},
      [['pixel r (mean)', num(m.pixel_r?.mean)], ['SSIM (mean)', num(m.ssim?.mean)],
       ['2-way identification, SSIM', `${pct(m.identification?.ssim?.accuracy)} (chance ${pct(m.identification?.chance)})`],
       ['2-way identification, pixel r', pct(m.identification?.pixel_r?.accuracy)],
       ['colourfulness, reconstructions / stimuli', `${num(m.colourfulness?.reconstructions?.mean, 1)} / ${num(m.colourfulness?.stimuli?.mean, 1)}`],
       ['images', m.n_images]].map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))),
      h('p.muted', {}, 'From evaluate job ', h('a', { href: `#/job/${evaluation.id}` }, evaluation.id), ' (docs/metrics.md).'));
  } else {
    summary.append(h('h2', {}, 'Summary'), job.metrics?.test ? h('p', {}, `Last epoch on the test split: pixel r ${num(job.metrics.test.pixel_r)}, L1 ${num(job.metrics.test.l1)}.`) : null);
    const pending = [recon, evaluation].find((j) => j && ACTIVE.has(j.state));
    if (pending) {
      summary.append(message('info', `Metrics are being computed by ${pending.kind} job ${pending.id} (${pending.state}); they appear here when it is done.`));
      // The reconstruct job (then its evaluation) is on its way: render the page again when it has finished.
      stop = watchJob(pending.id, () => {}, rerender);
    } else {
      const btn = h('button.primary', { type: 'button' }, 'Compute per-image metrics (SSIM, pixel r, identification)');
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          if (recon && recon.state === 'succeeded') await post('/jobs', { kind: 'evaluate', input_job_id: recon.id, depends_on: recon.id });
          else await queueReconstruction(job);
          summary.append(message('ok', 'Queued; the jobs page shows their progress. Reload this page when they are done.'));
        } catch (e) {
          summary.append(message('error', e.message));
          btn.disabled = false;
        }
      });
      summary.append(btn);
    }
  }
  const dl = (path, label) => h('li', {}, h('a', { href: downloadHref(path), download: '' }, label));
  const downloads = h('section.card', {}, h('h2', {}, 'Downloads'), h('ul', {},
    dl(`/jobs/${id}/files/reconstructions.npy`, 'reconstructions.npy (N × 3 × I × I, float32)'),
    dl(`/jobs/${id}/files/irf_spatial.npy`, 'irf_spatial.npy'), dl(`/jobs/${id}/files/irf_feature.npy`, 'irf_feature.npy'),
    job.kind === 'train' ? dl(`/jobs/${id}/files/metrics.jsonl`, 'metrics.jsonl (per epoch)') : null,
    model ? dl(`/models/${model.id}/checkpoint`, `checkpoint (model ${model.id}, safetensors)`) : null,
    recon && recon.state === 'succeeded' ? dl(`/jobs/${recon.id}/files/attention.npy`, 'attention.npy (per-pixel IRFs)') : null));
  const gallery = h('section#gallery.gallery');
  main.append(h('div.row.top', {}, summary, downloads), h('h2', {}, `Test images (${N})`), gallery);

  const stim = await testStimuli(job.session_id).catch(() => null);
  if (!stim && sessionFilesUnavailable()) gallery.before(message('info', SESSION_FILES_MISSING));
  for (let k = 0; k < N; k++) {
    const img = h('img.thumb', { alt: `reconstruction of test image ${k}`, width: 128, height: 128 });
    imageUrl(`/jobs/${id}/reconstructions/${k}.png`).then((u) => { img.src = u; }).catch(() => { img.alt = 'missing'; });
    const facts = m ? h('div.small', {}, `SSIM ${num(m.ssim?.per_image?.[k])} · r ${num(m.pixel_r?.per_image?.[k])}`,
      h('br'), `identification ${pct(m.identification?.ssim?.per_image?.[k])}`) : null;
    gallery.append(h('figure.gallery-item', { dataset: { image: k, ssim: m?.ssim?.per_image?.[k] ?? '', pixelR: m?.pixel_r?.per_image?.[k] ?? '' } },
      h('div.pair', {}, stim ? stimulusCanvas(stim, k, 128) : h('div.thumb.placeholder', {}, 'stimulus'), img),
      h('figcaption', {}, h('a', { href: `#/explore/${id}?image=${k}` }, `test image ${k}`), facts)));
  }
  if (evaluation) main.append(h('p.muted', {}, 'Evaluation state: ', stateBadge(evaluation.state)));
  return stop;
}
