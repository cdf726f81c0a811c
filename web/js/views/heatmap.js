// A matrix drawn as a heatmap on a canvas, nearest-neighbour scaled, with an optional crosshair.
// Pointer positions are reported in data coordinates (column, row) so linked views can follow.
import { h } from '../dom.js';

export class Heatmap {
  constructor({ rows, cols, width, height, label, crosshair = true }) {
    this.rows = rows;
    this.cols = cols;
    this.canvas = h('canvas.heatmap', { width: width ?? cols, height: height ?? rows, role: 'img', 'aria-label': label });
    this.ctx = this.canvas.getContext('2d');
    this.native = document.createElement('canvas');
    this.native.width = cols;
    this.native.height = rows;
    this.cross = null;
    this.showCross = crosshair;
    this.handlers = { hover: [], click: [], leave: [] };
    this.canvas.addEventListener('mousemove', (e) => this.emit('hover', e));
    this.canvas.addEventListener('click', (e) => this.emit('click', e));
    this.canvas.addEventListener('mouseleave', () => this.handlers.leave.forEach((f) => f()));
  }

  on(kind, f) { this.handlers[kind].push(f); return this; }

  emit(kind, e) {
    const r = this.canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - r.left) / r.width) * this.cols);
    const row = Math.floor(((e.clientY - r.top) / r.height) * this.rows);
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return;
    this.handlers[kind].forEach((f) => f(col, row, e));
  }

  /* values: row-major rows x cols; lo..hi mapped onto the lookup table. */
  setData(values, lo, hi, lut) {
    const img = new ImageData(this.cols, this.rows), span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < this.rows * this.cols; i++) {
      const v = values[i];
      const k = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255))) : 0;
      img.data[i * 4] = lut[k * 3];
      img.data[i * 4 + 1] = lut[k * 3 + 1];
      img.data[i * 4 + 2] = lut[k * 3 + 2];
      img.data[i * 4 + 3] = 255;
    }
    this.native.getContext('2d').putImageData(img, 0, 0);
    this.redraw();
  }

  /* RGBA pixels already coloured (dominant-array map, images). */
  setImage(source) {
    const c = this.native.getContext('2d');
    c.imageSmoothingEnabled = false;
    c.clearRect(0, 0, this.cols, this.rows);
    c.drawImage(source, 0, 0, this.cols, this.rows);
    this.redraw();
  }

  setRgba(rgba) {
    this.native.getContext('2d').putImageData(new ImageData(rgba, this.cols, this.rows), 0, 0);
    this.redraw();
  }

  /* fx, fy: the pixel centre as a fraction of the width/height (views of different grids agree). */
  setCrosshair(fx, fy) {
    this.cross = fx === null ? null : [fx, fy];
    this.redraw();
  }

  redraw() {
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(this.native, 0, 0, canvas.width, canvas.height);
    if (!this.showCross || !this.cross) return;
    const x = this.cross[0] * canvas.width, y = this.cross[1] * canvas.height;
    ctx.lineWidth = 1;
    for (const [style, off] of [['rgba(0,0,0,0.7)', 1], ['rgba(255,255,255,0.95)', 0]]) {
      ctx.strokeStyle = style;
      ctx.beginPath();
      ctx.moveTo(0, y + off); ctx.lineTo(canvas.width, y + off);
      ctx.moveTo(x + off, 0); ctx.lineTo(x + off, canvas.height);
      ctx.stroke();
    }
  }
}

/* A horizontal colour bar with its range. */
export function colorBar(lut, lo, hi, label) {
  const c = h('canvas.colorbar', { width: 160, height: 10, 'aria-hidden': 'true' });
  const ctx = c.getContext('2d');
  for (let x = 0; x < 160; x++) {
    const k = Math.round((x / 159) * 255);
    ctx.fillStyle = `rgb(${lut[k * 3]},${lut[k * 3 + 1]},${lut[k * 3 + 2]})`;
    ctx.fillRect(x, 0, 1, 10);
  }
  const fmt = (v) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toPrecision(3));
  return h('div.colorbar-wrap', { 'aria-label': `${label}: colour scale from ${fmt(lo)} to ${fmt(hi)}` },
    h('span.cb-lo', {}, fmt(lo)), c, h('span.cb-hi', {}, fmt(hi)), label ? h('span.cb-label', {}, label) : null);
}

export function rangeOf(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return lo <= hi ? [lo, hi] : [0, 1];
}
