/**
 * The catalogue of every setting holowatch reads. Each entry names its environment variable,
 * its default and what it does; `holowatch config --check` prints this table with the values
 * in force. Later stages add their settings here so that one place documents them all.
 */
export type SettingKind = 'string' | 'port' | 'int' | 'url' | 'enum' | 'path' | 'list' | 'bool'

export interface SettingSpec {
  env: string
  kind: SettingKind
  default: string | undefined
  doc: string
  /** Allowed values for `enum`; inclusive bounds for `int`. */
  choices?: readonly string[]
  min?: number
  max?: number
  secret?: boolean
}

export const SETTINGS = {
  dataDir: {
    env: 'HOLOWATCH_DATA_DIR',
    kind: 'path',
    default: './var/clickhouse',
    doc: 'Embedded ClickHouse data directory (created if missing); the collector spool lives in its spool/ subfolder.',
  },
  clickhouseUrl: {
    env: 'CLICKHOUSE_URL',
    kind: 'url',
    default: undefined,
    doc: 'ClickHouse server HTTP(S) URL. Unset: the embedded engine (chDB) on HOLOWATCH_DATA_DIR.',
  },
  clickhouseUser: { env: 'CLICKHOUSE_USER', kind: 'string', default: 'default', doc: 'ClickHouse user (server mode).' },
  clickhousePassword: {
    env: 'CLICKHOUSE_PASSWORD',
    kind: 'string',
    default: '',
    doc: 'ClickHouse password (server mode).',
    secret: true,
  },
  clickhouseDatabase: {
    env: 'CLICKHOUSE_DATABASE',
    kind: 'string',
    default: 'holowatch',
    doc: 'Database holding every holowatch table (created by migrate).',
  },
  clickhouseCluster: {
    env: 'CLICKHOUSE_CLUSTER',
    kind: 'string',
    default: undefined,
    doc: 'Cluster name: migrations run ON CLUSTER with Replicated tables and Distributed tables for flows and rollups.',
  },
  apiHost: { env: 'HOLOWATCH_API_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address the API and dashboard listen on.' },
  apiPort: { env: 'HOLOWATCH_API_PORT', kind: 'port', default: '8080', doc: 'TCP port of the API and dashboard.' },
  flowsTtlDays: {
    env: 'HOLOWATCH_FLOWS_TTL_DAYS',
    kind: 'int',
    default: '180',
    min: 0,
    max: 36500,
    doc: 'Days raw flows are kept (0 keeps them forever). Rollups keep their own, longer history.',
  },
  logLevel: {
    env: 'HOLOWATCH_LOG_LEVEL',
    kind: 'enum',
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    doc: 'Log level (logs are JSON lines on standard output).',
  },
  adminToken: {
    env: 'HOLOWATCH_ADMIN_TOKEN',
    kind: 'string',
    default: undefined,
    secret: true,
    doc: 'Optional bootstrap admin bearer token, accepted in addition to tokens stored in the database.',
  },
} as const satisfies Record<string, SettingSpec>

export type SettingName = keyof typeof SETTINGS
