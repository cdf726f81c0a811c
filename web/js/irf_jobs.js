// Which job holds the IRFs of a trained model. A train job writes reconstructions, irf_spatial.npy
// and irf_feature.npy of the test split; the per-pixel attention (attention.npy) and the per-image
// metrics come from a reconstruct job of its model (the worker runs it with --attention) and an
// evaluate job of that reconstruction. These helpers find those jobs or queue them.
import { get, post } from './api.js';

export const ACTIVE = new Set(['queued', 'running']);

/* Renders the current route again (a page once a job it waits for has finished). */
export function rerender() { window.dispatchEvent(new HashChangeEvent('hashchange')); }

/* Polls a queued or running job every 2 s, passing each state to onUpdate; calls done() once it has
 * finished. Returns the function that stops the polling. */
export function watchJob(jobId, onUpdate, done) {
  let stopped = false;
  const t = setInterval(async () => {
    const j = await get(`/jobs/${jobId}`).catch(() => null);
    if (stopped || !j) return;
    onUpdate(j);
    if (!ACTIVE.has(j.state)) { stop(); done(j); }
  }, 2000);
  function stop() { stopped = true; clearInterval(t); }
  return stop;
}

export async function modelOfJob(job) {
  if (job.kind === 'reconstruct') return job.model_id ? { id: job.model_id } : null;
  const { models } = await get('/models?limit=1000');
  return models.find((m) => m.job_id === job.id) || null;
}

/* The job holding attention.npy: the job itself, or the newest reconstruct job of its model
 * (succeeded preferred, else one still running). */
export async function reconstructionOf(job) {
  if (job.kind === 'reconstruct') return job;
  // A train job that wrote attention.npy itself (docs/jobs.md lists it) needs no reconstruct job.
  if (job.state === 'succeeded') {
    const { files } = await get(`/jobs/${job.id}/files`);
    if (files.some((f) => f.name === 'attention.npy')) return job;
  }
  const model = await modelOfJob(job);
  if (!model) return null;
  const { jobs } = await get(`/jobs?kind=reconstruct&session_id=${job.session_id}&limit=1000`);
  const mine = jobs.filter((j) => j.model_id === model.id);
  return mine.find((j) => j.state === 'succeeded') || mine.find((j) => ACTIVE.has(j.state)) || mine[0] || null;
}

export async function evaluationOf(reconJob) {
  if (!reconJob) return null;
  const { jobs } = await get(`/jobs?kind=evaluate&session_id=${reconJob.session_id}&limit=1000`);
  const mine = jobs.filter((j) => j.input_job_id === reconJob.id);
  return mine.find((j) => j.state === 'succeeded') || mine.find((j) => ACTIVE.has(j.state)) || mine[0] || null;
}

function key(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/* Queues reconstruct (with attention) + evaluate for the model a train job produced. */
export async function queueReconstruction(trainJob) {
  const model = await modelOfJob(trainJob);
  if (!model) throw new Error(`job ${trainJob.id} registered no model (it must have succeeded)`);
  const recon = await post('/jobs', { kind: 'reconstruct', session_id: trainJob.session_id, model_id: model.id,
                                      name: `IRFs of ${trainJob.id}` }, { 'Idempotency-Key': key('ui-reconstruct') });
  const evaluation = await post('/jobs', { kind: 'evaluate', input_job_id: recon.id, depends_on: recon.id,
                                           name: `metrics of ${recon.id}` }, { 'Idempotency-Key': key('ui-evaluate') });
  return { recon, evaluation };
}

/* Succeeded jobs whose results can be explored (train and reconstruct). */
export async function explorableJobs() {
  const { jobs } = await get('/jobs?state=succeeded&limit=200');
  return jobs.filter((j) => j.kind === 'train' || j.kind === 'reconstruct');
}

export function jobLabel(j) {
  const name = j.params && j.params.name ? ` “${j.params.name}”` : '';
  return `${j.kind} ${j.id}${name}`;
}
