// Perceptually uniform colour maps for the heatmaps, as 256-entry RGB lookup tables.
// viridis: interpolated between its published 11 stops (every 10 %); cubehelix: Green (2011)'s
// formula with start 0.5, rotations -1.5, hue 1, gamma 1 (the map used in the IRFA paper's figures).

const VIRIDIS_STOPS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884',
                       '#44bf70', '#7ad151', '#bddf26', '#fde725'];

function hexRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function viridisLut() {
  const stops = VIRIDIS_STOPS.map(hexRgb), lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1), k = Math.min(Math.floor(t), stops.length - 2), f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(stops[k][c] * (1 - f) + stops[k + 1][c] * f);
  }
  return lut;
}

function cubehelixLut(start = 0.5, rotations = -1.5, hue = 1.0, gamma = 1.0) {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const l = Math.pow(i / 255, gamma);
    const phi = 2 * Math.PI * (start / 3 + rotations * (i / 255));
    const a = (hue * l * (1 - l)) / 2;
    const r = l + a * (-0.14861 * Math.cos(phi) + 1.78277 * Math.sin(phi));
    const g = l + a * (-0.29227 * Math.cos(phi) - 0.90649 * Math.sin(phi));
    const b = l + a * (1.97294 * Math.cos(phi));
    lut[i * 3] = Math.round(255 * r);
    lut[i * 3 + 1] = Math.round(255 * g);
    lut[i * 3 + 2] = Math.round(255 * b);
  }
  return lut;
}

export const COLORMAPS = { viridis: viridisLut(), cubehelix: cubehelixLut() };

export function lutFor(name) { return COLORMAPS[name] || COLORMAPS.viridis; }

export function cssColor(lut, t) {
  const i = Math.max(0, Math.min(255, Math.round(t * 255)));
  return `rgb(${lut[i * 3]},${lut[i * 3 + 1]},${lut[i * 3 + 2]})`;
}

/* Area colours as in docs/simulator.md's figure: V1 blue, V4 green, IT red; shades per array. */
const AREA_HUES = { V1: 215, V4: 135, IT: 5 };
export function arrayColor(area, indexInArea, countInArea) {
  const hue = AREA_HUES[area] ?? 280;
  const light = countInArea > 1 ? 32 + (36 * indexInArea) / (countInArea - 1) : 50;
  return `hsl(${hue}, 70%, ${light}%)`;
}
