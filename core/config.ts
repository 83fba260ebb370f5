import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { SETTINGS, type SettingName, type SettingSpec } from './settings.ts'

/** The validated configuration: every setting of the catalogue, parsed. */
export interface Config {
  dataDir: string
  clickhouseUrl: string | undefined
  clickhouseUser: string
  clickhousePassword: string
  clickhouseDatabase: string
  clickhouseCluster: string | undefined
  apiHost: string
  apiPort: number
  flowsTtlDays: number
  importTtlDays: number
  rollupTtlDays: number
  collectorHost: string
  netflowPort: number
  ipfixPort: number
  udpReceiveBuffer: number
  exportersAllow: string[]
  writerBatchRows: number
  writerFlushMs: number
  writerQueueMb: number
  spoolMaxMb: number
  minFreeMb: number
  detectIntervalMs: number
  detectMergeGapS: number
  detectThresholds: string[]
  pcapInbox: string | undefined
  pcapInboxSensor: string
  pcapUploadMaxMb: number
  pcapSyncMaxMb: number
  logLevel: string
  adminToken: string | undefined
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`)
    this.name = 'ConfigError'
  }
}

export type ConfigSource = 'environment' | 'file' | 'default'

export interface LoadedConfig {
  config: Config
  sources: Record<SettingName, ConfigSource>
}

/**
 * Reads the settings from the environment, then from the optional JSON config file
 * (`HOLOWATCH_CONFIG` or the `file` argument; keys are the environment variable names), then
 * the defaults. The environment wins over the file. Throws a ConfigError naming the bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, file = env.HOLOWATCH_CONFIG): LoadedConfig {
  const fromFile = file ? readConfigFile(file) : {}
  const values: Record<string, unknown> = {}
  const sources = {} as Record<SettingName, ConfigSource>
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
    let raw: string | undefined
    let source: ConfigSource = 'default'
    if (env[spec.env] !== undefined && env[spec.env] !== '') {
      raw = env[spec.env]
      source = 'environment'
    } else if (fromFile[spec.env] !== undefined) {
      raw = String(fromFile[spec.env])
      source = 'file'
    } else {
      raw = spec.default
    }
    sources[name] = source
    values[name] = raw === undefined ? undefined : parseSetting(spec, raw)
  }
  const config = values as unknown as Config
  config.dataDir = resolve(config.dataDir)
  return { config, sources }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError('HOLOWATCH_CONFIG', `cannot read ${file}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new ConfigError('HOLOWATCH_CONFIG', `${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('HOLOWATCH_CONFIG', `${file} must hold a JSON object of SETTING: value`)
  }
  const known = new Set<string>(Object.values(SETTINGS).map((s) => s.env))
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(key, `unknown setting in ${file}`)
  }
  return parsed as Record<string, unknown>
}

function parseSetting(spec: SettingSpec, raw: string): unknown {
  const value = raw.trim()
  switch (spec.kind) {
    case 'string':
    case 'path':
      return value
    case 'bool':
      if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true
      if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false
      throw new ConfigError(spec.env, `expected true or false, got "${raw}"`)
    case 'list':
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    case 'port': {
      const port = strictInt(value)
      const lowest = spec.min ?? 1
      if (port === undefined || port < lowest || port > 65535) {
        throw new ConfigError(spec.env, `expected a TCP/UDP port from ${lowest} to 65535, got "${raw}"`)
      }
      return port
    }
    case 'int': {
      const n = strictInt(value)
      if (n === undefined || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ConfigError(spec.env, `expected a whole number from ${spec.min ?? '-∞'} to ${spec.max ?? '∞'}, got "${raw}"`)
      }
      return n
    }
    case 'enum':
      if (!spec.choices?.includes(value)) {
        throw new ConfigError(spec.env, `expected one of ${spec.choices?.join(', ')}, got "${raw}"`)
      }
      return value
    case 'url': {
      let url: URL
      try {
        url = new URL(value)
      } catch {
        throw new ConfigError(spec.env, `not a URL: "${raw}"`)
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ConfigError(spec.env, `unsupported scheme "${url.protocol.replace(':', '')}" (use http or https; unset it for the embedded engine)`)
      }
      return value
    }
  }
}

function strictInt(value: string): number | undefined {
  return /^-?\d+$/.test(value) ? Number(value) : undefined
}

/** The effective configuration as rows for `holowatch config --check`; secrets are masked. */
export function describeConfig(loaded: LoadedConfig): { setting: string; value: string; source: ConfigSource; doc: string }[] {
  return (Object.entries(SETTINGS) as [SettingName, SettingSpec][]).map(([name, spec]) => {
    const value = loaded.config[name as keyof Config]
    let shown = value === undefined ? '(unset)' : Array.isArray(value) ? value.join(',') : String(value)
    if (spec.secret && value) shown = '********'
    return { setting: spec.env, value: shown, source: loaded.sources[name], doc: spec.doc }
  })
}
