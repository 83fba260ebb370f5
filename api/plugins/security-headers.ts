import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The dashboard's policy: its own scripts only (no inline script, no eval), no plugins, no
 * framing by anyone (clickjacking the sign-in page), requests only to this origin. Inline
 * styles stay allowed: the charts position their tooltips with style attributes, and a style
 * cannot run code.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Everything that is not a page (JSON, CSV, reports, metrics) may load nothing and be framed by nobody. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * Security headers on every answer of the API and the dashboard, errors included. A route that
 * sets its own Content-Security-Policy (the OpenAPI UI at /docs does) keeps it, with framing refused.
 */
export default fp(
  async function securityHeadersPlugin(app: FastifyInstance) {
    app.addHook('onSend', async (request, reply, payload) => {
      const own = reply.getHeader('content-security-policy')
      if (own === undefined) {
        // By path, not by content type: a 304 revalidating the page has no type, and the browser
        // keeps the policy of the 304 for the cached page.
        reply.header('content-security-policy', isDashboard(request.url) ? DASHBOARD_CSP : API_CSP)
      } else {
        const others = String(own).split(';').map((d) => d.trim()).filter((d) => d !== '' && !d.startsWith('frame-ancestors'))
        reply.header('content-security-policy', [...others, "frame-ancestors 'none'"].join('; '))
      }
      reply.header('x-frame-options', 'DENY')
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'no-referrer')
      reply.header('cross-origin-opener-policy', 'same-origin')
      reply.header('cross-origin-resource-policy', 'same-origin')
      return payload
    })
  },
  { name: 'holowatch-security-headers' },
)

/** Everything outside the API and the operations endpoints is the dashboard's (its page and assets). */
function isDashboard(url: string): boolean {
  const path = url.split('?')[0] ?? ''
  return !(path === '/api' || path.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(path))
}
