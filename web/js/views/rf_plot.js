// Receptive-field centres drawn over the visual field (the image square): a dot per electrode,
// coloured by area, and per array a circle at its mean centre with its mean RF size (1 sigma).
import { h } from '../dom.js';
import { arrayColor } from '../colormaps.js';

export function areaShades(heads) {
  const byArea = {};
  heads.forEach((a) => { (byArea[a.area] ||= []).push(a.id); });
  const colors = {};
  heads.forEach((a) => { const ids = byArea[a.area]; colors[a.id] = arrayColor(a.area, ids.indexOf(a.id), ids.length); });
  return colors;
}

export function rfPlot(electrodes, heads, size = 320) {
  const c = h('canvas.rf-plot', { width: size, height: size, role: 'img', 'aria-label': 'receptive field centres per array over the visual field' });
  const ctx = c.getContext('2d');
  const colors = areaShades(heads);
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#999';
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  ctx.beginPath();                     // fixation cross at the image centre
  ctx.moveTo(size / 2 - 6, size / 2); ctx.lineTo(size / 2 + 6, size / 2);
  ctx.moveTo(size / 2, size / 2 - 6); ctx.lineTo(size / 2, size / 2 + 6);
  ctx.stroke();
  const mapped = electrodes.filter((e) => e.rf_x !== null && e.rf_y !== null);
  for (const e of mapped) {
    ctx.fillStyle = colors[e.array] || '#888';
    ctx.beginPath();
    ctx.arc(e.rf_x * size, e.rf_y * size, 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.font = 'bold 11px system-ui, sans-serif';
  for (const a of heads) {
    const mine = mapped.filter((e) => e.array === a.id);
    if (!mine.length) continue;
    const mx = mine.reduce((s, e) => s + e.rf_x, 0) / mine.length, my = mine.reduce((s, e) => s + e.rf_y, 0) / mine.length;
    const sized = mine.filter((e) => e.rf_size !== null);
    const ms = sized.length ? sized.reduce((s, e) => s + e.rf_size, 0) / sized.length : 0.02;
    ctx.strokeStyle = colors[a.id];
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(mx * size, my * size, Math.max(3, ms * size), 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fillStyle = '#222';
    ctx.fillText(String(a.id), mx * size + 4, my * size - 4);
  }
  return c;
}
