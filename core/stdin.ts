import { closeSync, fstatSync, openSync } from 'node:fs'

/**
 * Points standard input at /dev/null when it is a pipe or a file. The embedded engine is
 * clickhouse-local inside the process: it treats a non-terminal standard input as data for the
 * next INSERT (and then refuses an INSERT … VALUES with "both inlined and external data"), and it
 * would swallow the rest of a `ls *.pcap | while read f; do holowatch import-pcap "$f"; done`
 * loop's input. No holowatch command reads standard input, so none loses anything.
 *
 * Closing descriptor 0 and opening /dev/null gives the lowest free descriptor, 0 itself; this
 * runs first thing, before any other module opens a file.
 */
export function detachStdin(): void {
  let stat
  try {
    stat = fstatSync(0)
  } catch {
    stat = undefined // closed (`<&-`): the next file opened would become standard input
  }
  if (stat && !stat.isFIFO() && !stat.isFile() && !stat.isSocket()) return
  if (stat) closeSync(0)
  const fd = openSync('/dev/null', 'r')
  if (fd !== 0) closeSync(fd)
}
