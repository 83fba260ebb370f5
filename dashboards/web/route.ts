/** Hash routes (#/attacks/ID?rule=flood): the server serves one page, the hash says which view. */
export interface Route {
  path: string[]
  query: URLSearchParams
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '')
  const [path = '', qs = ''] = raw.split('?', 2)
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs) }
}

export function href(path: string[], query: URLSearchParams | Record<string, string | undefined> = {}): string {
  const params = query instanceof URLSearchParams ? new URLSearchParams(query) : new URLSearchParams()
  if (!(query instanceof URLSearchParams)) for (const [k, v] of Object.entries(query)) if (v) params.set(k, v)
  const qs = params.toString()
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`
}

/** The current route with some query parameters changed (undefined or '' removes one). */
export function withQuery(changes: Record<string, string | undefined>, keep = true): string {
  const { path, query } = currentRoute()
  const next = keep ? new URLSearchParams(query) : new URLSearchParams()
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.delete(k)
    else next.set(k, v)
  }
  return href(path, next)
}

/** Keeps the time range (range / from / to) when moving to another page. */
export function rangeQuery(): Record<string, string | undefined> {
  const { query } = currentRoute()
  return { range: query.get('range') ?? undefined, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined }
}
