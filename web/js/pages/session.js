// One session: state and files; its arrays (coloured by area), electrode table, a sample of test
// stimuli and the RF centres over the visual field (for a simulated session, the true ones).
import { h, message } from '../dom.js';
import { get } from '../api.js';
import { bytes, num, time } from '../format.js';
import { stateBadge } from '../job_widgets.js';
import { electrodes, headsFromManifest, manifest, SESSION_FILES_MISSING, sessionFilesUnavailable, stimulusRgba, testStimuli } from '../session_files.js';
import { areaShades, rfPlot } from '../views/rf_plot.js';
import { jobLabel } from '../irf_jobs.js';

function stimulusCanvas(stim, n, px = 96) {
  const { rgba, width, height } = stimulusRgba(stim, n);
  const src = document.createElement('canvas');
  src.width = width; src.height = height;
  src.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  const c = h('canvas.thumb', { width: px, height: px, role: 'img', 'aria-label': `test stimulus ${n}` });
  const ctx = c.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, px, px);
  return c;
}

export async function render(main, id) {
  const box = h('div#session-detail');
  main.append(h('p', {}, h('a', { href: '#/sessions' }, '← all sessions')), box);
  let timer = null;

  async function draw() {
    const s = await get(`/sessions/${id}`);
    const { jobs } = await get(`/jobs?session_id=${id}&limit=200`);
    box.dataset.state = s.state;
    const parts = [h('h1', {}, 'Session ', h('code', {}, s.id), ` “${s.name}”`),
      h('dl.facts', {}, ['Source', s.source, 'State', stateBadge(s.state), 'Created', time(s.created_at), 'Updated', time(s.updated_at)]
        .reduce((acc, v, i, arr) => (i % 2 ? acc : acc.concat([h('dt', {}, v), h('dd', {}, arr[i + 1])])), []))];
    if (s.error) parts.push(h('pre.error-box', { role: 'alert' }, s.error));
    if (s.state === 'ready') parts.push(h('div.row', {}, h('a.button.primary', { href: `#/jobs?new=1&session=${s.id}` }, 'Train a model on this session')));
    if (s.uploads?.length) {
      parts.push(h('h2', {}, 'Uploaded files'), h('table.list.compact', {}, h('tbody', {}, s.uploads.map((u) =>
        h('tr', {}, h('td', {}, u.name), h('td', {}, bytes(u.size)), h('td', {}, h('code.small', {}, u.sha256)))))));
    }
    parts.push(h('h2', {}, 'Jobs'), jobs.length ? h('ul', {}, jobs.map((j) => h('li', {}, h('a', { href: `#/job/${j.id}` }, jobLabel(j)), ' ', stateBadge(j.state)))) : h('p.muted', {}, 'none'));
    box.replaceChildren(...parts);
    if (s.state !== 'ready') return false;

    const m = await manifest(id);
    if (!m) {
      box.append(h('h2', {}, 'Contents'), s.files?.length ? h('p.muted', {}, `Files: ${s.files.join(', ')}`) : null,
        message('info', sessionFilesUnavailable() ? SESSION_FILES_MISSING : 'This session has no manifest.json.'));
      return true;
    }
    const heads = headsFromManifest(m);
    const colors = areaShades(heads);
    box.append(h('h2', {}, 'Recording'),
      h('p', {}, `${m.n_train} training and ${m.n_test} test images (${m.n_repetitions || 1} repetition(s)), ${m.n_electrodes} electrodes in ${heads.length} arrays, stimuli ${m.image_size} px, monkey ${m.monkey || '?'}, source ${m.source}.`),
      h('table.list.compact#arrays-table', {}, h('thead', {}, h('tr', {}, ['Array', 'Area', 'Electrodes'].map((c) => h('th', {}, c)))),
        h('tbody', {}, heads.map((a) => h('tr', {}, h('td', {}, h('span.swatch', { style: { background: colors[a.id] } }), ` ${a.id}`), h('td', {}, a.area), h('td', {}, a.electrodes))))));
    const [el, stim] = await Promise.all([electrodes(id), testStimuli(id).catch(() => null)]);
    if (stim) {
      const n = Math.min(stim.shape[0], 12);
      box.append(h('h2', {}, `Test stimuli (${n} of ${stim.shape[0]})`), h('div.thumbs', {}, Array.from({ length: n }, (_, k) => stimulusCanvas(stim, k))));
    }
    if (el) {
      box.append(h('h2', {}, m.source === 'simulate' ? 'True RF centres per array' : 'Mapped RF centres per array'),
        h('div.row.top', {}, rfPlot(el, heads), h('p.muted', {}, 'The square is the image, the cross the fixation point; dots are electrodes, circles the mean centre and size (1 σ) of each array. Blue V1, green V4, red IT.')),
        h('h2', {}, 'Electrodes'),
        h('div.scroll', {}, h('table.list.compact#electrodes-table', {}, h('thead', {}, h('tr', {}, ['#', 'source', 'array', 'area', 'RF x', 'RF y', 'RF size', 'reliability'].map((c) => h('th', {}, c)))),
          h('tbody', {}, el.map((e) => h('tr', { style: { borderLeft: `4px solid ${colors[e.array] || '#ccc'}` } },
            h('td', {}, e.index), h('td', {}, e.source_index), h('td', {}, e.array), h('td', {}, e.area),
            h('td', {}, num(e.rf_x)), h('td', {}, num(e.rf_y)), h('td', {}, num(e.rf_size)), h('td', {}, num(e.reliability))))))));
    }
    return true;
  }

  const settled = await draw().catch((e) => { box.replaceChildren(message('error', `Cannot load session ${id}: ${e.message}`)); return true; });
  if (!settled) {
    timer = setInterval(async () => {
      const s = await get(`/sessions/${id}`).catch(() => null);
      if (s && s.state !== box.dataset.state) {
        if (await draw().catch(() => true)) { clearInterval(timer); timer = null; }
      }
    }, 2000);
  }
  return () => timer && clearInterval(timer);
}
