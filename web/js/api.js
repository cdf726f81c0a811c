// The REST API under /api/v1 (docs/api.md). Every call goes through here so that errors read the same
// everywhere ({"error": {"code", "message"}}) and an optional bearer token is sent with each request.

const BASE = '/api/v1';
const TOKEN_KEY = 'irfa.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() { return localStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) { t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY); }

function headers(extra = {}) {
  const h = { ...extra };
  if (token()) h.Authorization = `Bearer ${token()}`;
  return h;
}

async function errorOf(resp) {
  let code = `http_${resp.status}`, msg = `${resp.status} ${resp.statusText}`;
  try {
    const body = await resp.json();
    if (body && body.error) { code = body.error.code; msg = body.error.message; }
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(resp.status, code, msg);
}

export async function request(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let resp;
  try {
    resp = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server (${e.message})`);
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp.status === 204 ? null : resp.json();
}

export const get = (path) => request('GET', path);
export const post = (path, body, h) => request('POST', path, body, h);
export const del = (path) => request('DELETE', path);

/* Raw bytes (NPY arrays, PNGs). */
export async function fetchBytes(path) {
  let resp;
  try {
    resp = await fetch(BASE + path, { headers: headers() });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server (${e.message})`);
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp.arrayBuffer();
}

export async function fetchText(path) {
  return new TextDecoder().decode(await fetchBytes(path));
}

/* An object URL for an image behind the API (works with a token, which <img src> could not send). */
const blobCache = new Map();
export async function imageUrl(path) {
  if (blobCache.has(path)) return blobCache.get(path);
  const p = fetchBytes(path).then((buf) => URL.createObjectURL(new Blob([buf], { type: 'image/png' })));
  blobCache.set(path, p);
  p.catch(() => blobCache.delete(path));
  return p;
}

/* A link target for downloads: plain URL, the server sends Content-Disposition. */
export function downloadHref(path) { return BASE + path; }

/* Streams a File as the raw body of PUT (XMLHttpRequest: fetch gives no upload progress). Resolves
 * with the server's upload record; onProgress(loadedBytes) is called as the body leaves. */
export function uploadFile(path, file, onProgress, sha256Hex) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', BASE + path);
    for (const [k, v] of Object.entries(headers({ 'Content-Type': 'application/octet-stream' }))) xhr.setRequestHeader(k, v);
    if (sha256Hex) xhr.setRequestHeader('X-Checksum-SHA256', sha256Hex);
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* keep null */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body?.error?.code || `http_${xhr.status}`,
                               body?.error?.message || `upload failed with HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection broke during the upload'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.send(file);
  });
}
