// What each dropped file is for in an import (the option it is passed as: `irfa import FORMAT
// --<role> UPLOADS/<file>`), guessed from its name and checked from its first bytes, so that a
// wrong file is rejected with a reason before anything is sent.

export const FORMATS = {
  npy: { label: 'NumPy arrays (.npy / .npz) + images', roles: ['train', 'test', 'test-reps', 'npz', 'electrodes', 'image-table', 'image', 'ignore'] },
  tvsd: { label: 'TVSD (THINGS_normMUA.mat, MATLAB v7.3)', roles: ['normmua', 'trials', 'channel-map', 'electrodes', 'image-table', 'image', 'ignore'] },
  nwb: { label: 'NWB 2 (.nwb)', roles: ['nwb', 'image', 'ignore'] },
};

/* What each import cannot run without (the options `irfa import FORMAT` requires): any one of the
 * roles in the list satisfies a need. The image table is checked apart (the UI can write it). */
const REQUIRED = {
  npy: [[['npz', 'train'], 'the responses (an .npz, or the training responses .npy)'], [['electrodes'], 'the electrode table'],
        [['image'], 'the stimulus images']],
  tvsd: [[['normmua'], 'the normMUA .mat (THINGS_normMUA.mat)'], [['image'], 'the stimulus images']],
  nwb: [[['nwb'], 'the NWB recording (.nwb)']],
};

/* The needs of an import that none of the chosen roles meets, as readable labels ([] when complete). */
export function missingFor(format, roles) {
  const have = new Set(roles);
  return REQUIRED[format].filter(([any]) => !any.some((r) => have.has(r))).map(([, label]) => label);
}

export const ROLE_LABELS = {
  train: 'training responses (N × E)', test: 'test responses (N × E)', 'test-reps': 'test repetitions (N × R × E)',
  npz: 'all responses (.npz)', electrodes: 'electrode table', 'image-table': 'image table (split,index,file)',
  image: 'stimulus image', normmua: 'normMUA .mat', trials: 'trials .mat (time course)', 'channel-map': 'channel map .npy',
  nwb: 'NWB recording', ignore: 'not uploaded',
};

const EXT_OK = /\.(npy|npz|csv|json|png|jpe?g|mat|nwb|h5|hdf5)$/i;
const IMAGE_EXT = /\.(png|jpe?g)$/i;
const NAME_OK = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/* Upload name: the path below the dropped folder with '/' -> '_' (the server takes plain names). */
export function uploadName(relPath) {
  const parts = relPath.split('/').filter(Boolean);
  return (parts.length > 1 ? parts.slice(1) : parts).join('_');
}

/* Files an `irfa simulate` / session folder holds that an import does not read. */
const SESSION_EXTRAS = /^(manifest\.json|ground_truth.*|stimuli_(train|test)\.npy|responses_(train|test)_st\.npy|timecourse\.npy|trials\.csv)$/;

export function guessRole(format, name, relPath) {
  const n = name.toLowerCase();
  const base = relPath.split('/').pop().toLowerCase();
  if (SESSION_EXTRAS.test(base)) return 'ignore';
  if (IMAGE_EXT.test(n)) return 'image';
  if (format === 'npy') {
    if (n.endsWith('.npz')) return 'npz';
    if (n.endsWith('.npy')) {
      if (/test_?reps/.test(n)) return 'test-reps';
      if (/test/.test(n)) return 'test';
      if (/train/.test(n)) return 'train';
      return 'ignore';
    }
  }
  if (format === 'tvsd') {
    if (n.endsWith('.mat')) return /trial/.test(n) ? 'trials' : 'normmua';
    if (n.endsWith('.npy')) return 'channel-map';
  }
  if (format === 'nwb' && /\.(nwb|h5|hdf5)$/.test(n)) return 'nwb';
  if (/(table|image|stim).*\.csv$/.test(n)) return 'image-table';
  if (/electrode|rf/.test(n) && /\.(csv|json)$/.test(n)) return 'electrodes';
  return 'ignore';
}

const MAGIC = {
  '.npy': [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'an .npy file starts with \\x93NUMPY'],
  '.npz': [[0x50, 0x4b], 'an .npz file is a zip archive'],
};
// Stimuli are read by content (irfa import takes PNG or JPEG whatever the name says).
const IMAGE_MAGIC = [[0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff]];

/* Returns null when the file may be uploaded, else the reason it is refused. */
export async function rejectReason(file, name) {
  if (!EXT_OK.test(name)) return `“${file.name}”: not a file an import reads (.npy .npz .csv .json .png .jpg .mat .nwb .h5)`;
  if (!NAME_OK.test(name)) return `“${name}”: the server accepts names of letters, digits, '.', '_' and '-' only (rename it)`;
  if (file.size === 0) return `“${file.name}” is empty`;
  const ext = name.slice(name.lastIndexOf('.')).toLowerCase();
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const starts = (bytes) => bytes.every((b, i) => head[i] === b);
  if (MAGIC[ext] && !starts(MAGIC[ext][0])) return `“${file.name}” is not what its name says: ${MAGIC[ext][1]}`;
  if (IMAGE_EXT.test(name) && !IMAGE_MAGIC.some(starts)) return `“${file.name}” is not what its name says: not a PNG or JPEG image`;
  if (ext === '.mat' || ext === '.nwb' || ext === '.h5' || ext === '.hdf5') {
    // HDF5's signature sits at 0 or, in MATLAB v7.3 files, after the 512-byte header.
    const sig = [0x89, 0x48, 0x44, 0x46];
    const at = async (off) => new Uint8Array(await file.slice(off, off + 4).arrayBuffer());
    const a = await at(0), b = await at(512);
    if (sig.some((v, i) => a[i] !== v) && sig.some((v, i) => b[i] !== v))
      return `“${file.name}” is not HDF5 (MATLAB files must be saved with -v7.3)`;
  }
  return null;
}

/* Images dropped in an irfa session layout (.../stimuli/{train,test}/NNNNNN.png or .jpg) give the image table. */
export function imageTableFor(entries) {
  const rows = [];
  for (const e of entries) {
    if (e.role !== 'image') continue;
    const m = /(?:^|\/)(train|test)\/(\d+)\.(?:png|jpe?g)$/i.exec(e.relPath);
    if (!m) return null;
    rows.push(`${m[1].toLowerCase()},${Number(m[2])},${e.name}`);
  }
  return rows.length ? `split,index,file\n${rows.join('\n')}\n` : null;
}

/* Reads the directory tree of a drop (folders dragged in), as [{file, relPath}]. */
export async function filesOfDrop(dataTransfer) {
  const out = [];
  const entries = [...dataTransfer.items].map((it) => (it.webkitGetAsEntry ? it.webkitGetAsEntry() : null));
  if (entries.every((e) => !e)) return [...dataTransfer.files].map((file) => ({ file, relPath: file.name }));
  async function walk(entry, prefix) {
    if (!entry) return;
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, relPath: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  }
  for (const e of entries) await walk(e, '');
  return out;
}
