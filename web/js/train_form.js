// The "queue a training job" form. Defaults are the reference configuration of the IRFA code
// (docs/model.md, science.md section 2.7): 100 epochs (the paper trains 400), batch 8, c = 32,
// grid 64, kernel 4, loss weights 0.01 / 0.69 / 0.3, Adam 7.8e-4 / 1e-4, discriminator every 100th batch.
import { h, field, message } from './dom.js';
import { get, post } from './api.js';

export const TRAIN_DEFAULTS = [
  { name: 'epochs', label: 'Epochs', value: 100, min: 1, hint: 'paper: 400; a CPU trains the demo size at a few samples/s' },
  { name: 'batch', label: 'Batch size', value: 8, min: 2 },
  { name: 'features', label: 'Feature channels c', value: 32, min: 2, step: 2, hint: 'even, 4..64 in the paper' },
  { name: 'grid', label: 'Grid (pixels)', value: 64, min: 32, step: 32, hint: 'multiple of 32' },
  { name: 'kernel', label: 'Score kernel k', value: 4, min: 1, max: 15 },
  { name: 'alpha', label: 'Adversarial weight α', value: 0.01, step: 'any', min: 0 },
  { name: 'beta-vgg', label: 'VGG weight β', value: 0.69, step: 'any', min: 0, hint: 'off without VGG19 weights' },
  { name: 'beta-pix', label: 'L1 weight', value: 0.3, step: 'any', min: 0 },
  { name: 'lr-g', label: 'Generator learning rate', value: 7.8e-4, step: 'any', min: 0 },
  { name: 'lr-d', label: 'Discriminator learning rate', value: 1e-4, step: 'any', min: 0 },
  { name: 'd-every', label: 'Discriminator every N batches', value: 100, min: 0 },
  { name: 'seed', label: 'Seed', value: 1, min: 0 },
];

/* onQueued(job) is called after the server accepted the job. */
export async function trainForm(onQueued, presetSession) {
  const { sessions } = await get('/sessions?limit=1000');
  const ready = sessions.filter((s) => s.state === 'ready');
  const status = h('div.form-status');
  const sessionSel = h('select', { name: 'session', required: true },
    ready.length ? null : h('option', { value: '' }, 'no ready session yet'),
    ready.map((s) => h('option', { value: s.id, selected: s.id === presetSession }, `${s.name} (${s.id})`)));
  const nameIn = h('input', { name: 'name', type: 'text', maxlength: 200, placeholder: 'optional' });
  const inputs = TRAIN_DEFAULTS.map((d) => {
    const inp = h('input', { name: d.name, type: 'number', value: d.value, step: d.step ?? 1, min: d.min, max: d.max, required: true });
    return { d, inp, el: field(d.label, inp, d.hint) };
  });
  const attempts = h('input', { name: 'max_attempts', type: 'number', value: 3, min: 1, max: 20 });
  // The server queues the reconstruct job (attention.npy) and the evaluate job after training, so the
  // explorer and the results page fill in without another step.
  const irfs = h('input', { name: 'per_pixel_irfs', type: 'checkbox', checked: true });
  const submit = h('button.primary', { type: 'submit', disabled: !ready.length }, 'Queue training job');
  const form = h('form.train-form', { 'aria-label': 'Queue a training job' },
    h('div.grid-fields', {}, field('Session', sessionSel), field('Job name', nameIn),
      inputs.map((i) => i.el), field('Attempts', attempts, 'retries after a crash'),
      h('label.check', {}, irfs, ' then compute per-pixel IRFs and per-image metrics')),
    h('div.row', {}, submit, h('button', { type: 'button', onclick: () => inputs.forEach(({ d, inp }) => { inp.value = d.value; }) },
      'Reset to reference defaults')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    const options = {};
    for (const { d, inp } of inputs) {
      const v = Number(inp.value);
      if (inp.value === '' || !Number.isFinite(v)) {
        status.append(message('error', `${d.label}: enter a number.`));
        return;
      }
      options[d.name] = v;
    }
    const body = { kind: 'train', session_id: sessionSel.value, options, max_attempts: Number(attempts.value) || 3 };
    if (nameIn.value.trim()) body.name = nameIn.value.trim();
    if (irfs.checked) body.per_pixel_irfs = true;
    submit.disabled = true;
    try {
      const job = await post('/jobs', body, { 'Idempotency-Key': `ui-train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` });
      status.append(message('ok', `Queued ${job.id}.`));
      onQueued(job);
    } catch (err) {
      status.append(message('error', `The server refused the job: ${err.message}`));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
