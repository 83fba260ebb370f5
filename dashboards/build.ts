/**
 * Builds the web dashboard (dashboards/web → dashboards/dist): one bundled, minified ES module
 * with ECharts inside, the stylesheet and the shell page. Run by `npm install` (the prepare
 * script) and by hand with `npx tsx dashboards/build.ts`; no CDN, nothing fetched at run time.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const web = fileURLToPath(new URL('./web/', import.meta.url))
const dist = fileURLToPath(new URL('./dist/', import.meta.url))

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
const started = Date.now()
const result = await build({
  entryPoints: { app: `${web}main.ts` },
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
})
await build({ entryPoints: { app: `${web}styles.css` }, outdir: dist, bundle: true, minify: true, logLevel: 'warning' })
for (const file of ['index.html', 'favicon.svg']) copyFileSync(`${web}${file}`, `${dist}${file}`)
const size = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0)
console.log(`dashboard built into dashboards/dist (${(size / 1e6).toFixed(1)} MB with source maps) in ${Date.now() - started} ms`)
