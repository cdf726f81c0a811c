// Small pieces shared by job lists and pages: state badges, progress bars, time left.
import { h } from './dom.js';
import { duration } from './format.js';

export function stateBadge(state) {
  return h(`span.badge.state-${state}`, { dataset: { state } }, state);
}

export function progressBar(fraction, label) {
  const f = Math.max(0, Math.min(1, fraction || 0));
  return h('div.progress', { role: 'progressbar', 'aria-label': label || 'progress', 'aria-valuemin': 0,
                              'aria-valuemax': 100, 'aria-valuenow': Math.round(f * 100) },
    h('div.progress-fill', { style: { width: `${(f * 100).toFixed(1)}%` } }));
}

/* Time left from the fraction done and the time since the job started (the API gives no estimate). */
export function timeLeft(job, now = Date.now()) {
  if (job.state !== 'running' || !job.started_at || !(job.progress > 0.01)) return '—';
  const elapsed = (now - job.started_at) / 1000;
  return duration((elapsed / job.progress) * (1 - job.progress));
}

export function jobName(job) {
  return (job.params && job.params.name) || '';
}
