/**
 * The dashboard's only way to the server: /api/v1 with the session's bearer token. Errors come
 * back as RFC 9457 problems and are thrown as ApiProblem with the server's `detail`.
 */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string) {
    super(detail || title)
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined | null>

const TOKEN_KEY = 'holowatch.token'
let onUnauthorized: () => void = () => undefined

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value)
  else sessionStorage.removeItem(TOKEN_KEY)
}

export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn
}

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) for (const item of v) params.append(k, item)
    else params.append(k, String(v))
  }
  const qs = params.toString()
  return `/api/v1${path}${qs ? `?${qs}` : ''}`
}

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: { title?: string; detail?: string } = {}
  try {
    body = (await res.json()) as typeof body
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new ApiProblem(res.status, body.title ?? res.statusText, body.detail ?? '')
}

export interface Reply<T> {
  body: T
  etag: string
}

export async function request<T>(method: string, path: string, options: { query?: Query; body?: unknown; ifMatch?: string; signal?: AbortSignal } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const bearer = token()
  if (bearer) headers.authorization = `Bearer ${bearer}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.ifMatch) headers['if-match'] = options.ifMatch
  const res = await fetch(url(path, options.query), {
    method, headers, signal: options.signal, body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  if (res.status === 401 && path !== '/me') onUnauthorized()
  if (!res.ok) throw await problemOf(res)
  const body = (res.status === 204 ? null : await res.json()) as T
  return { body, etag: res.headers.get('etag') ?? '' }
}

export async function get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return (await request<T>('GET', path, { query, signal })).body
}

/** A multipart upload with progress (fetch has no upload progress; XMLHttpRequest does). */
export function upload<T>(path: string, field: string, file: File, onProgress: (pct: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url(path))
    const bearer = token()
    if (bearer) xhr.setRequestHeader('authorization', `Bearer ${bearer}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onerror = () => reject(new ApiProblem(0, 'network error', 'the upload did not reach the server'))
    xhr.onload = () => {
      let body: { title?: string; detail?: string } = {}
      try {
        body = JSON.parse(xhr.responseText) as typeof body
      } catch {
        // keep the empty body
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else reject(new ApiProblem(xhr.status, body.title ?? xhr.statusText, body.detail ?? ''))
    }
    const form = new FormData()
    form.append(field, file, file.name)
    xhr.send(form)
  })
}
