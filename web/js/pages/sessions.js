// Sessions: the list (state, arrays per area, electrodes) and the three ways to make one: upload
// files and import them, or simulate a virtual macaque.
import { h, field, message } from '../dom.js';
import { del, get, post } from '../api.js';
import { time } from '../format.js';
import { stateBadge } from '../job_widgets.js';
import { uploadPanel } from '../upload_panel.js';
import { manifest, sessionFilesUnavailable, SESSION_FILES_MISSING } from '../session_files.js';
import { go } from '../nav.js';

function arraysSummary(m) {
  if (!m) return '—';
  const per = {};
  for (const a of m.arrays || []) per[a.area] = (per[a.area] || 0) + 1;
  return Object.entries(per).map(([area, n]) => `${area} ${n}`).join(' · ');
}

function simulatePanel() {
  const fields = [
    ['name', 'Session name', 'text', 'virtual macaque'], ['train', 'Training images', 'number', 1000],
    ['test', 'Test images', 'number', 50], ['reps', 'Repetitions per test image', 'number', 10],
    ['size', 'Image size (px)', 'number', 64], ['seed', 'Seed', 'number', 1],
    ['electrodes-per-array', 'Electrodes per array', 'number', 64], ['days', 'Recording days', 'number', 4],
    ['unusable-array', 'Unusable array (0 = none)', 'number', 6],
  ];
  const inputs = Object.fromEntries(fields.map(([k, , type, v]) => [k, h('input', { name: `sim-${k}`, type, value: v, min: type === 'number' ? 0 : undefined })]));
  const monkey = h('select', { name: 'sim-monkey' }, h('option', { value: 'N' }, 'N (V1 1-8, V4 9-12, IT 13-16)'), h('option', { value: 'F' }, 'F (V1 1-8, IT 9-13, V4 14-16)'));
  const timeResolved = h('input', { type: 'checkbox', name: 'sim-time-resolved' });
  const status = h('div.form-status');
  const btn = h('button.primary', { type: 'submit' }, 'Simulate');
  const form = h('form', { 'aria-label': 'Simulate a virtual macaque' },
    h('p.muted', {}, 'A recording with a known answer: dead-leaves stimuli, 16 Utah arrays whose true receptive fields are stored with the data (docs/simulator.md).'),
    h('div.grid-fields', {}, fields.map(([k, label]) => field(label, inputs[k])), field('Monkey (area map)', monkey),
      h('label.check', {}, timeResolved, ' time-resolved (1 ms time course)')),
    h('div.row', {}, btn), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const options = { monkey: monkey.value };
    for (const [k, , type] of fields) if (k !== 'name') options[k] = type === 'number' ? Number(inputs[k].value) : inputs[k].value;
    if (timeResolved.checked) options['time-resolved'] = true;
    btn.disabled = true;
    try {
      const job = await post('/sessions/simulate', { name: inputs.name.value || 'virtual macaque', options });
      go(`#/session/${job.session_id}`);
    } catch (err) {
      status.replaceChildren(message('error', `The server refused the simulation: ${err.message}`));
      btn.disabled = false;
    }
  });
  return form;
}

export async function render(main) {
  const body = h('tbody');
  const note = h('div');
  const tabs = h('div.tabs', { role: 'tablist' });
  const panelBox = h('div.card');
  const panels = { upload: ['Upload files (npy / TVSD / NWB)', () => uploadPanel((sid) => go(`#/session/${sid}`))],
                   simulate: ['Simulate a virtual macaque', simulatePanel] };
  for (const [k, [label, make]] of Object.entries(panels)) {
    tabs.append(h('button', { type: 'button', role: 'tab', id: `tab-${k}`, onclick: (e) => {
      tabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', 'false'));
      e.target.setAttribute('aria-selected', 'true');
      panelBox.replaceChildren(make());
    } }, label));
  }
  main.append(h('h1', {}, 'Sessions'),
    h('table.list#sessions-table', {}, h('thead', {}, h('tr', {}, ['Session', 'Name', 'Source', 'State', 'Arrays', 'Electrodes', 'Test images', 'Created', ''].map((c) => h('th', {}, c)))), body),
    note, h('h2', {}, 'New session'), tabs, panelBox);
  tabs.querySelector('button').click();

  async function refresh() {
    const { sessions } = await get('/sessions?limit=1000');
    const rows = await Promise.all(sessions.map(async (s) => {
      const m = s.state === 'ready' ? await manifest(s.id).catch(() => null) : null;
      const delBtn = h('button.small', { type: 'button', onclick: async () => {
        if (!confirm(`Delete session “${s.name}” and its files?`)) return;
        try { await del(`/sessions/${s.id}`); refresh(); } catch (err) { note.replaceChildren(message('error', err.message)); }
      } }, 'Delete');
      return h('tr', { dataset: { session: s.id, state: s.state } },
        h('td', {}, h('a', { href: `#/session/${s.id}` }, s.id)), h('td', {}, s.name), h('td', {}, s.source),
        h('td', {}, stateBadge(s.state), s.error ? h('div.err-line', { title: s.error }, s.error.split('\n').pop()) : null),
        h('td', {}, arraysSummary(m)), h('td', {}, m ? m.n_electrodes : '—'), h('td', {}, m ? m.n_test : '—'),
        h('td', {}, time(s.created_at)), h('td', {}, delBtn));
    }));
    body.replaceChildren(...rows);
    if (!rows.length) body.append(h('tr', {}, h('td', { colspan: 9 }, 'No sessions yet: upload one or simulate a virtual macaque below.')));
    note.replaceChildren(sessionFilesUnavailable() ? message('info', SESSION_FILES_MISSING) : '');
  }
  await refresh().catch((e) => note.replaceChildren(message('error', `Cannot list sessions: ${e.message}`)));
  const timer = setInterval(() => refresh().catch(() => {}), 4000);
  return () => clearInterval(timer);
}
