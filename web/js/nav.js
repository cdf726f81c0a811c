// Hash routes: #/page/id?query. Shared by the router and pages that keep state in the URL.

export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  return { page: parts[0] || 'jobs', id: parts[1] ? decodeURIComponent(parts[1]) : null,
           query: new URLSearchParams(qs || '') };
}

/* Rewrites the query of the current route without re-rendering (e.g. the pinned pixel). */
export function setQuery(query) {
  const { page, id } = parseHash();
  const qs = query.toString();
  history.replaceState(null, '', `#/${page}${id ? '/' + id : ''}${qs ? '?' + qs : ''}`);
}

export function go(hash) { location.hash = hash; }
