// Reads NumPy .npy files (version 1-3) into a Float32Array with its shape. The results the UI reads
// (irf_spatial.npy, irf_feature.npy, stimuli_test.npy) are little-endian float32 in C order; other
// numeric dtypes are converted, Fortran order and object arrays are refused with a message.

const DTYPES = {
  '<f4': [Float32Array, 4], '<f8': [Float64Array, 8], '|u1': [Uint8Array, 1], '<u1': [Uint8Array, 1],
  '<i4': [Int32Array, 4], '<i2': [Int16Array, 2], '<u2': [Uint16Array, 2],
};

export function parseNpy(buffer, name = 'array') {
  const u8 = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (u8.length < 10 || magic.some((b, i) => u8[i] !== b)) throw new Error(`${name}: not an .npy file`);
  const major = u8[6];
  const dv = new DataView(buffer);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > u8.length) throw new Error(`${name}: truncated header`);
  const header = new TextDecoder('latin1').decode(u8.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${name}: malformed header`);
  if (fortran[1] === 'True') throw new Error(`${name}: Fortran-order arrays are not supported`);
  const kind = DTYPES[descr[1]];
  if (!kind) throw new Error(`${name}: dtype ${descr[1]} is not supported`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const [Ctor, size] = kind;
  if (offset + count * size > u8.length) throw new Error(`${name}: data shorter than its shape ${shape.join('x')}`);
  // Copy: the data offset need not be aligned for the typed array.
  const raw = new Ctor(buffer.slice(offset, offset + count * size));
  const data = raw instanceof Float32Array ? raw : Float32Array.from(raw);
  return { shape, data };
}
