import { statfs } from 'node:fs/promises'

/** Bytes free for an unprivileged writer on the file system holding `path`. */
export async function freeBytes(path: string): Promise<number> {
  const s = await statfs(path)
  return s.bavail * s.bsize
}

/**
 * Whether the disk holding `path` has at least `minFreeMb` free: the reason in a sentence when
 * it has not (uploads are refused and /readyz is not ready), undefined when it has or when the
 * check is off (0).
 */
export async function lowDiskReason(path: string, minFreeMb: number): Promise<string | undefined> {
  if (minFreeMb <= 0) return undefined
  const free = await freeBytes(path)
  if (free >= minFreeMb * 1024 * 1024) return undefined
  return `the disk holding ${path} has ${Math.floor(free / 1024 / 1024)} MiB free, below HOLOWATCH_MIN_FREE_MB (${minFreeMb} MiB)`
}
