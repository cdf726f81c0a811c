// Tiny DOM helpers: h('div.cls#id', {attrs}, children) builds elements without a framework.

export function h(tag, attrs = {}, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(tag);
  const el = document.createElement(m ? m[1] : tag);
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/* A labelled form field: the label wraps the control so screen readers announce it; the hint sits
 * outside the label (linked with aria-describedby) so the control's name stays the label alone. */
let hintCount = 0;
export function field(label, control, hint) {
  let hintEl = null;
  if (hint) {
    hintEl = h('small.hint', { id: `hint-${++hintCount}` }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div.field', {}, h('label', {}, h('span.field-label', {}, label), control), hintEl);
}

/* A visible, announced message box; kind: info | error | ok. */
export function message(kind, text) {
  return h(`div.msg.msg-${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
}
