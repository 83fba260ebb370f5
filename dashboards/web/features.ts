/**
 * Which optional API routes this server offers (health checks arrive in a later release than the
 * archive), read from its OpenAPI document so that the dashboard never probes with failing calls.
 */
let paths: Promise<Set<string>> | undefined

export function apiPaths(): Promise<Set<string>> {
  paths ??= fetch('/docs/json')
    .then((res) => (res.ok ? (res.json() as Promise<{ paths?: Record<string, unknown> }>) : { paths: {} }))
    .then((doc) => new Set(Object.keys(doc.paths ?? {})))
    .catch(() => new Set<string>())
  return paths
}

export async function hasRoute(path: string): Promise<boolean> {
  return (await apiPaths()).has(`/api/v1${path}`)
}
