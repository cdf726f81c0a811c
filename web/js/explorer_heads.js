// The model's heads (one per electrode array, ascending array number) with their area and colour,
// from the session manifest when the server provides it, else numbered heads of unknown area.
import { arrayColor } from './colormaps.js';
import { headsFromManifest, manifest } from './session_files.js';

export async function headsOf(sessionId, count) {
  const m = sessionId ? await manifest(sessionId).catch(() => null) : null;
  const known = headsFromManifest(m);
  const heads = known && known.length === count
    ? known.map((a) => ({ ...a, label: `${a.area} ${a.id}` }))
    : Array.from({ length: count }, (_, j) => ({ id: j + 1, area: '?', label: `head ${j + 1}` }));
  const byArea = {};
  heads.forEach((a, j) => (byArea[a.area] ||= []).push(j));
  heads.forEach((a, j) => {
    const group = byArea[a.area];
    a.color = a.area === '?' ? `hsl(${(j * 360) / count}, 65%, 50%)` : arrayColor(a.area, group.indexOf(j), group.length);
  });
  return { heads, areas: Object.keys(byArea), byArea, fromManifest: !!(known && known.length === count) };
}
