// The single-page app: a hash router (#/page/id?query) that renders one page module into <main>.
// Each page's render() may return a cleanup function (stops its polling) called on navigation.
import { clear, h, message } from './dom.js';
import { get, setToken, token } from './api.js';
import { parseHash } from './nav.js';
import * as sessions from './pages/sessions.js';
import * as session from './pages/session.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as results from './pages/results.js';
import * as explorer from './pages/explorer.js';
import * as across from './pages/across.js';

const PAGES = { sessions, session, jobs, job, results, explore: explorer, across };
const main = document.getElementById('main');
let cleanup = null;

async function route() {
  if (cleanup) { try { cleanup(); } catch { /* a page failing to stop must not block the next */ } }
  cleanup = null;
  const { page, id, query } = parseHash();
  const mod = PAGES[page];
  for (const a of document.querySelectorAll('nav a')) {
    const active = a.dataset.page === page || (page === 'session' && a.dataset.page === 'sessions') ||
                   (page === 'job' && a.dataset.page === 'jobs');
    a.toggleAttribute('aria-current', active);
    if (active) a.setAttribute('aria-current', 'page');
  }
  clear(main);
  if (!mod) { main.append(message('error', `No page “${page}”.`)); return; }
  main.dataset.page = page;
  try {
    cleanup = (await mod.render(main, id, query)) || null;
  } catch (e) {
    main.append(message('error', `This page failed to load: ${e.message}`));
  }
}

async function health() {
  const el = document.getElementById('health');
  try {
    const r = await fetch('/healthz');
    const b = await r.json();
    el.textContent = r.ok ? `server ok · ${b.workers_alive ?? '?'} worker(s)` : 'server degraded';
    el.className = r.ok ? 'health ok' : 'health bad';
  } catch {
    el.textContent = 'server unreachable';
    el.className = 'health bad';
  }
}

document.getElementById('token-button').addEventListener('click', () => {
  const t = prompt('Bearer token (leave empty to remove):', token());
  if (t !== null) { setToken(t.trim()); route(); }
});

window.addEventListener('hashchange', route);
if (!location.hash) history.replaceState(null, '', '#/jobs');
route();
health();
setInterval(health, 10000);
// Debug/test hook: the API module, so tests can compare what the page shows with the API's numbers.
window.irfa = { get };
