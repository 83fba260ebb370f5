/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, Z, S, V) — registration authority,
 * organisation type, 6-digit administrative division, 9-character organisation code — and a
 * check character: 31 minus the weighted sum of the first 17 modulo 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** Why `code` is not a valid credit code, or undefined when it is one. */
export function creditCodeProblem(code: string): string | undefined {
  if (code.length !== 18) return `a unified social credit code has 18 characters, not ${code.length}`
  const bad = [...code].find((c) => !ALPHABET.includes(c))
  if (bad !== undefined) return `"${bad}" cannot appear in a unified social credit code (digits and capitals except I, O, Z, S, V)`
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'characters 3–8 of a unified social credit code are the administrative division code (6 digits)'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(code[i]!) * WEIGHTS[i]!
  const check = ALPHABET[(31 - (sum % 31)) % 31]!
  if (code[17] !== check) return `the check character of a unified social credit code is wrong (expected ${check} after ${code.slice(0, 17)})`
  return undefined
}

/** A code with the right check character appended to its first 17 characters (for tests and templates). */
export function withCreditCodeCheck(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!
  return first17 + ALPHABET[(31 - (sum % 31)) % 31]!
}
