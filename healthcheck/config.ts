import { ConfigError, type Config } from '../core/config.ts'
import { SETTINGS } from '../core/settings.ts'
import { slaPolicyFrom, type SlaPolicy } from './sla.ts'

export interface HealthcheckConfig {
  /** Where uploaded reports are kept, by SHA-256. */
  uploadsDir: string
  maxUploadBytes: number
  sla: SlaPolicy
  centre: { zh: string; en: string }
}

/**
 * The health-check settings of the catalogue (core/settings.ts), parsed. The Config interface
 * lists the settings of the stages before this one, so these are read by name here; a bad SLA
 * list is a ConfigError naming its variable, raised when the API or CLI starts.
 */
export function healthcheckConfigFrom(config: Config): HealthcheckConfig {
  const raw = config as unknown as Record<string, unknown>
  const value = (name: keyof typeof SETTINGS) => String(raw[name] ?? SETTINGS[name].default ?? '')
  let sla: SlaPolicy
  try {
    sla = slaPolicyFrom(value('hcSlaDays'), '')
  } catch (err) {
    throw new ConfigError(SETTINGS.hcSlaDays.env, (err as Error).message)
  }
  try {
    sla = { ...sla, gradePercent: slaPolicyFrom('', value('hcSlaGradePercent')).gradePercent }
  } catch (err) {
    throw new ConfigError(SETTINGS.hcSlaGradePercent.env, (err as Error).message)
  }
  const [zh = '', en = zh] = value('hcCentreName').split('|')
  return {
    uploadsDir: `${config.dataDir}/uploads`,
    maxUploadBytes: Number(value('hcUploadMaxMb')) * 1024 * 1024,
    sla,
    centre: { zh: zh.trim(), en: en.trim() },
  }
}
