// Line charts of per-epoch values (losses, test metrics) on a canvas, with axes and a legend.
import { h } from '../dom.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

/* series: [{name, points: [[x, y], ...]}]. Returns a figure element. */
export function lineChart(title, series, { width = 360, height = 200, xLabel = 'epoch' } = {}) {
  const canvas = h('canvas.chart', { width, height, role: 'img', 'aria-label': `${title} per ${xLabel}` });
  const ctx = canvas.getContext('2d');
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const left = 58, right = 8, top = 8, bottom = 24, W = width - left - right, H = height - top - bottom;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#555';
  if (!pts.length) {
    ctx.fillText('no data yet', left + 10, top + H / 2);
  } else {
    let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
    let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 + 1e-6; y1 += Math.abs(y1) * 0.1 + 1e-6; }
    const X = (x) => left + ((x - x0) / (x1 - x0)) * W, Y = (y) => top + H - ((y - y0) / (y1 - y0)) * H;
    ctx.strokeStyle = '#bbb';
    ctx.strokeRect(left, top, W, H);
    ctx.textAlign = 'right';
    const fmt = (v) => (v !== 0 && Math.abs(v) < 1e-2 ? v.toExponential(1) : v.toPrecision(3));
    for (const y of [y0, (y0 + y1) / 2, y1]) ctx.fillText(fmt(y), left - 4, Y(y) + 4);
    ctx.textAlign = 'center';
    for (const x of [x0, x1]) ctx.fillText(String(Math.round(x * 100) / 100), X(x), height - 8);
    series.forEach((s, i) => {
      const p = s.points.filter(([, y]) => Number.isFinite(y));
      ctx.strokeStyle = ctx.fillStyle = PALETTE[i % PALETTE.length];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      p.forEach(([x, y], k) => (k ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
      ctx.stroke();
      p.forEach(([x, y]) => ctx.fillRect(X(x) - 2, Y(y) - 2, 4, 4));
    });
  }
  const legend = h('div.legend', {}, series.map((s, i) =>
    h('span.legend-item', {}, h('span.swatch', { style: { background: PALETTE[i % PALETTE.length] } }), s.name)));
  return h('figure.chart-box', {}, h('figcaption', {}, title), canvas, legend);
}
