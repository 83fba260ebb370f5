import { hostname, userInfo } from 'node:os'
import type { Actor } from './audit.ts'

/** The audit's "who and from where" for the command line: the operating-system user on this host. */
export function cliActor(): Actor {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // A container without a passwd entry for the uid: keep "unknown".
  }
  return { name: `cli:${user}`, role: 'admin', address: hostname(), via: 'cli' }
}
