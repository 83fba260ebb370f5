/**
 * Smoke mode (`npm run bench -- --smoke`, or HOLOWATCH_BENCH_SMOKE=1): every benchmark runs on a
 * small load, in seconds, so that CI catches a broken benchmark. Its figures mean nothing.
 */
export const SMOKE = process.env.HOLOWATCH_BENCH_SMOKE === '1'

/** `full` normally, `small` in smoke mode. */
export const sized = <T>(full: T, small: T): T => (SMOKE ? small : full)
