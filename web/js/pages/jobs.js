// Jobs: the queue (live), a form to queue training, cancel buttons, links to results and the explorer.
import { h, message } from '../dom.js';
import { get, post } from '../api.js';
import { time } from '../format.js';
import { trainForm } from '../train_form.js';
import { jobName, progressBar, stateBadge, timeLeft } from '../job_widgets.js';
import { ACTIVE } from '../irf_jobs.js';
import { go } from '../nav.js';

export async function render(main, _id, query) {
  const stateSel = h('select', { 'aria-label': 'Filter by state' }, ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled']
    .map((s) => h('option', { value: s, selected: s === (query.get('state') || '') }, s || 'all states')));
  const kindSel = h('select', { 'aria-label': 'Filter by kind' }, ['', 'simulate', 'import', 'train', 'reconstruct', 'evaluate']
    .map((k) => h('option', { value: k }, k || 'all kinds')));
  const body = h('tbody');
  const status = h('div');
  const table = h('table.list', { id: 'jobs-table' },
    h('thead', {}, h('tr', {}, ['Job', 'Kind', 'Name', 'Session', 'State', 'Progress', 'Epoch', 'Time left', 'Created', ''].map((c) => h('th', {}, c)))),
    body);
  const formBox = h('details.card', { open: query.get('new') === '1' }, h('summary', {}, 'Queue a training job'),
    await trainForm((job) => go(`#/job/${job.id}`), query.get('session')));
  main.append(h('h1', {}, 'Jobs'), formBox,
    h('div.row.filters', {}, stateSel, kindSel), status, table);

  async function refresh() {
    const qs = new URLSearchParams({ limit: '200' });
    if (stateSel.value) qs.set('state', stateSel.value);
    if (kindSel.value) qs.set('kind', kindSel.value);
    try {
      const { jobs } = await get(`/jobs?${qs}`);
      status.replaceChildren();
      body.replaceChildren(...jobs.map(row));
      if (!jobs.length) body.append(h('tr', {}, h('td', { colspan: 10 }, 'No jobs yet. Queue one above, or create a session first.')));
    } catch (e) {
      status.replaceChildren(message('error', `Cannot list jobs: ${e.message}`));
    }
  }

  function row(j) {
    const actions = [];
    if (ACTIVE.has(j.state)) {
      actions.push(h('button.small', { type: 'button', onclick: async (e) => {
        e.target.disabled = true;
        try { await post(`/jobs/${j.id}/cancel`); } catch (err) { status.replaceChildren(message('error', err.message)); }
        refresh();
      } }, 'Cancel'));
    }
    if (j.state === 'succeeded' && (j.kind === 'train' || j.kind === 'reconstruct')) {
      actions.push(h('a.small', { href: `#/results/${j.id}` }, 'Results'), ' ', h('a.small', { href: `#/explore/${j.id}` }, 'Explore'));
    }
    const epochs = j.params?.options?.epochs;
    return h('tr', { dataset: { job: j.id, state: j.state } },
      h('td', {}, h('a', { href: `#/job/${j.id}` }, j.id)), h('td', {}, j.kind), h('td', {}, jobName(j)),
      h('td', {}, j.session_id ? h('a', { href: `#/session/${j.session_id}` }, j.session_id) : '—'),
      h('td', {}, stateBadge(j.state), j.state === 'failed' && j.last_error ? h('div.err-line', { title: j.last_error }, j.last_error.split('\n').pop()) : null),
      h('td', {}, progressBar(j.progress, `progress of ${j.id}`), j.message ? h('small', {}, j.message) : null),
      h('td', {}, j.epoch ? `${j.epoch}${epochs ? ' / ' + epochs : ''}` : '—'),
      h('td', {}, timeLeft(j)), h('td', {}, time(j.created_at)), h('td', {}, actions));
  }

  stateSel.addEventListener('change', refresh);
  kindSel.addEventListener('change', refresh);
  await refresh();
  const timer = setInterval(refresh, 2000);
  return () => clearInterval(timer);
}
