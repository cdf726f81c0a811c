// Contents of a ready session's folder (manifest, electrode table, test stimuli, ground truth).
// The API lists these files (GET /sessions/{id} -> files) but has no route to read them yet; the UI
// asks for GET /api/v1/sessions/{id}/files/{name}, the read side of the upload route, and when the
// server answers 405 (no such route) it says so once and shows what it can without them.
import { ApiError, fetchBytes, fetchText } from './api.js';
import { parseNpy } from './npy.js';

let routeMissing = false;
const cache = new Map();

export const SESSION_FILES_MISSING =
  'This server does not serve the files of a session (GET /api/v1/sessions/{id}/files/{name} is missing), ' +
  'so stimuli, electrode tables and true receptive fields cannot be shown.';

export function sessionFilesUnavailable() { return routeMissing; }

async function load(sid, name, parse) {
  if (routeMissing) return null;
  const key = `${sid}/${name}`;
  if (!cache.has(key)) {
    const p = (async () => {
      try {
        return await parse(sid, name);
      } catch (e) {
        if (e instanceof ApiError && e.status === 405) { routeMissing = true; return null; }
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    })();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

const path = (sid, name) => `/sessions/${sid}/files/${encodeURIComponent(name)}`;

export function manifest(sid) {
  return load(sid, 'manifest.json', async (s, n) => JSON.parse(await fetchText(path(s, n))));
}

/* electrodes.csv -> [{index, source_index, array, area, rf_x, rf_y, rf_size, reliability, day}] */
export function electrodes(sid) {
  return load(sid, 'electrodes.csv', async (s, n) => parseCsv(await fetchText(path(s, n))));
}

/* Test stimuli as {shape: [N, 3, S, S], data} in [0, 1]. */
export function testStimuli(sid) {
  return load(sid, 'stimuli_test.npy', async (s, n) => parseNpy(await fetchBytes(path(s, n)), n));
}

export function parseCsv(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) return [];
  const cols = lines[0].split(',').map((c) => c.trim());
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const row = {};
    cols.forEach((c, i) => {
      const v = (cells[i] ?? '').trim();
      row[c] = v === '' ? null : Number.isNaN(Number(v)) ? v : Number(v);
    });
    return row;
  });
}

/* Heads of the model = arrays present, by ascending array number (session/session.h). */
export function headsFromManifest(m) {
  if (!m || !Array.isArray(m.arrays)) return null;
  return [...m.arrays].sort((a, b) => a.id - b.id).map((a) => ({ id: a.id, area: a.area, electrodes: a.n_electrodes }));
}

/* Stimulus n as an RGBA ImageData-compatible array. */
export function stimulusRgba(stim, n) {
  const [, , S, S2] = stim.shape, plane = S * S2, base = n * 3 * plane;
  const rgba = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * stim.data[base + c * plane + p]);
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, width: S2, height: S };
}
