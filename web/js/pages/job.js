// One job: live progress (epoch, samples/s, time left), loss curves, test metrics per epoch,
// cancel, the error and log of a failed attempt, and links to its results.
import { h, message } from '../dom.js';
import { fetchText, get, post } from '../api.js';
import { duration, num, time } from '../format.js';
import { lineChart } from '../views/line_chart.js';
import { jobName, progressBar, stateBadge, timeLeft } from '../job_widgets.js';
import { ACTIVE, reconstructionOf } from '../irf_jobs.js';

const LOSSES = [['generator', 'loss_g'], ['discriminator', 'loss_d'], ['L1', 'loss_l1'], ['VGG', 'loss_vgg'], ['adversarial', 'loss_adv']];

export async function render(main, id) {
  if (!id) { location.hash = '#/jobs'; return null; }
  const box = h('div#job-detail');
  main.append(h('p', {}, h('a', { href: '#/jobs' }, '← all jobs')), box);
  let timer = null, lastState = null;

  async function refresh() {
    let j;
    try {
      j = await get(`/jobs/${id}`);
    } catch (e) {
      box.replaceChildren(message('error', `Cannot load job ${id}: ${e.message}`));
      return;
    }
    box.dataset.state = j.state;
    const hist = j.loss_history || [];
    const last = hist[hist.length - 1] || {};
    const epochs = j.params?.options?.epochs;
    const facts = [
      ['Kind', j.kind], ['State', stateBadge(j.state)], ['Session', j.session_id ? h('a', { href: `#/session/${j.session_id}` }, j.session_id) : '—'],
      ['Epoch', j.epoch ? `${j.epoch}${epochs ? ' / ' + epochs : ''}` : '—'],
      ['Samples/s', last.samples_per_s !== undefined ? num(last.samples_per_s, 2) : '—'],
      ['Time left', timeLeft(j)], ['Attempt', `${j.attempt} of ${j.max_attempts}`],
      ['Created', time(j.created_at)], ['Started', time(j.started_at)], ['Finished', time(j.finished_at)],
      ['Run time', j.started_at ? duration(((j.finished_at || Date.now()) - j.started_at) / 1000) : '—'],
    ];
    if (j.model_id) facts.push(['Model', j.model_id]);
    if (j.input_job_id) facts.push(['Input job', h('a', { href: `#/job/${j.input_job_id}` }, j.input_job_id)]);
    if (j.depends_on) facts.push(['Waits for', h('a', { href: `#/job/${j.depends_on}` }, j.depends_on)]);
    if (j.params?.follow_up_of) facts.push(['Queued after', h('a', { href: `#/job/${j.params.follow_up_of}` }, j.params.follow_up_of)]);
    if (j.kind === 'train' && j.state === 'succeeded' && j.state !== lastState) {
      // Its per-pixel IRFs: the reconstruct job the server queued (per_pixel_irfs) or one queued later.
      const recon = await reconstructionOf(j).catch(() => null);
      facts.push(['Per-pixel IRFs', recon ? h('span', {}, h('a', { href: `#/job/${recon.id}` }, recon.id), ' ', stateBadge(recon.state))
        : j.params?.per_pixel_irfs ? 'not queued' : 'not asked for (the explorer offers them)']);
    } else if (j.kind === 'train' && ACTIVE.has(j.state)) {
      facts.push(['Per-pixel IRFs', j.params?.per_pixel_irfs ? 'computed after training' : 'not asked for']);
    }
    const opts = j.params?.options || {};
    const parts = [
      h('h1', {}, `${j.kind} job `, h('code', {}, j.id), jobName(j) ? ` “${jobName(j)}”` : ''),
      progressBar(j.progress, 'job progress'), h('p.muted', {}, j.message || ''),
      h('dl.facts', {}, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      Object.keys(opts).length ? h('p.muted', {}, 'Options: ', h('code', {}, Object.entries(opts).map(([k, v]) => `--${k} ${v}`).join(' '))) : null,
    ];
    const actions = h('div.row');
    if (ACTIVE.has(j.state)) {
      actions.append(h('button.danger', { type: 'button', id: 'cancel-job', onclick: async (e) => {
        e.target.disabled = true;
        try { await post(`/jobs/${id}/cancel`); } catch (err) { box.append(message('error', err.message)); }
        refresh();
      } }, j.cancel_requested ? 'Cancelling…' : 'Cancel job'));
    }
    if (j.state === 'succeeded' && (j.kind === 'train' || j.kind === 'reconstruct')) {
      actions.append(h('a.button.primary', { href: `#/explore/${j.id}` }, 'Explore IRFs'),
                     h('a.button', { href: `#/results/${j.id}` }, 'Results'), h('a.button', { href: `#/across/${j.id}` }, 'Across stimuli'));
    }
    if (j.state === 'succeeded' && j.kind === 'evaluate' && j.input_job_id) actions.append(h('a.button', { href: `#/results/${j.input_job_id}` }, 'Results'));
    parts.push(actions);
    if (j.last_error) parts.push(h('h2', {}, j.state === 'failed' ? 'Failed' : 'Last error'), h('pre.error-box', { role: 'alert' }, j.last_error));
    if (hist.length || j.kind === 'train') {
      const series = (key) => hist.map((e) => [e.epoch, e[key]]);
      const testKeys = [...new Set(hist.flatMap((e) => Object.keys(e.test || {})))];
      parts.push(h('h2', {}, 'Losses'), h('div.charts', {},
        LOSSES.filter(([, k]) => hist.some((e) => k in e) || k !== 'loss_adv').map(([name, k]) => lineChart(name, [{ name: k, points: series(k) }])),
        lineChart('test metrics', testKeys.map((k) => ({ name: `test ${k}`, points: hist.map((e) => [e.epoch, e.test?.[k]]) })))));
    }
    if (j.metrics && Object.keys(j.metrics).length) parts.push(h('h2', {}, 'Metrics'), metricsTable(j.metrics));
    const logBox = h('div');
    if (!ACTIVE.has(j.state) && j.state !== lastState) {
      fetchText(`/jobs/${id}/log`).then((t) => logBox.replaceChildren(h('details', {}, h('summary', {}, 'Log of the last attempt'), h('pre.log', {}, t.slice(-20000)))))
        .catch(() => {});
    }
    parts.push(logBox);
    if (j.state === lastState && !ACTIVE.has(j.state)) return;   // finished and drawn: keep the log open
    lastState = j.state;
    box.replaceChildren(...parts.filter(Boolean));
    if (!ACTIVE.has(j.state) && timer) { clearInterval(timer); timer = null; }
  }

  await refresh();
  timer = setInterval(refresh, 1500);
  return () => timer && clearInterval(timer);
}

/* Scalars of a metrics object (nested one level), per-image arrays left to the results page. */
function metricsTable(m) {
  const rows = [];
  const walk = (o, prefix) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number') rows.push([prefix + k, num(v, 4)]);
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, `${prefix}${k}.`);
    }
  };
  walk(m, '');
  return h('table.list.compact', {}, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}
