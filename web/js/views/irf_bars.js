// Per-array totals of one pixel's IRF as horizontal bars (DOM, so values are readable and testable).
import { h } from '../dom.js';

/* totals[j] = sum over features of the pixel's weights for head j. */
export function irfBars(heads, totals, colors) {
  const sum = totals.reduce((a, b) => a + b, 0) || 1;
  const max = Math.max(...totals, 1e-12);
  return h('div.bars', { role: 'list', 'aria-label': 'IRF weight per array at this pixel' },
    heads.map((a, j) => h('div.bar-row', { role: 'listitem', dataset: { head: j, array: a.id, value: totals[j] } },
      h('span.bar-label', {}, a.label),
      h('span.bar-track', {}, h('span.bar-fill', { style: { width: `${(100 * totals[j]) / max}%`, background: colors[j] } })),
      h('span.bar-value', {}, `${totals[j].toFixed(3)} (${((100 * totals[j]) / sum).toFixed(1)} %)`))));
}
