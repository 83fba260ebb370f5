import { BASE_SEVERITY, type RuleId } from './rules.ts'
import { SEVERITIES, type Severity } from './incident.ts'

/**
 * Severity from the rule, the magnitude and the asset hit: each rule has a base (scans low,
 * brute force, known-bad contact and exposures medium, floods high); a core asset raises it one
 * step, a target outside the archive lowers it one; ten times the threshold raises it one; a
 * known-bad address the archive side answered raises it one.
 */
export function severityOf(rule: RuleId, grade: string | undefined, ratio: number, answered = false): Severity {
  let level = BASE_SEVERITY[rule]
  if (grade === 'core') level += 1
  else if (!grade) level -= 1
  if (ratio >= 10) level += 1
  if (answered) level += 1
  return SEVERITIES[Math.min(Math.max(level, 1), 4) - 1]!
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b
}
