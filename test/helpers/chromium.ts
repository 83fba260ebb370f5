// Finds the Chromium the browser tests drive (test/dashboards/*), and on a machine that has none
// installs Debian's package when it can (root with apt-get): `npm test` runs this first, so a fresh
// machine needs nothing installed by hand. Where it cannot install, it says how, and the browser
// tests then fail with the same words. HOLOWATCH_CHROMIUM names another executable.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome']
/** Debian's browser and a CJK font, so that the zh-CN screenshots show characters. */
const PACKAGES = ['chromium', 'fonts-wqy-microhei']
export const HOW_TO_INSTALL: string = `the browser tests need Chromium: run "sudo apt-get install -y ${PACKAGES.join(' ')}" (Debian/Ubuntu), or set HOLOWATCH_CHROMIUM to a Chromium or Chrome executable`

/** The Chromium executable to drive, or undefined when none is installed. */
export function findChromium(): string | undefined {
  if (process.env.HOLOWATCH_CHROMIUM) return existsSync(process.env.HOLOWATCH_CHROMIUM) ? process.env.HOLOWATCH_CHROMIUM : undefined
  return CANDIDATES.find((c) => existsSync(c))
}

function install(): boolean {
  const root = process.getuid?.() === 0
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (!root || !hasApt) return false
  console.log(`chromium: none installed; installing Debian's ${PACKAGES.join(', ')} for the browser tests (apt-get)…`)
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    return true
  } catch (err) {
    console.log(`chromium: apt-get failed (${(err as Error).message.split('\n')[0]})`)
    return false
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let found = findChromium()
  if (!found && !process.env.HOLOWATCH_CHROMIUM && install()) found = findChromium()
  // Never stops the suite: without a browser only the browser tests fail, and they say why.
  console.log(found ? `chromium: ${found}` : `chromium: not found — ${HOW_TO_INSTALL}`)
}
