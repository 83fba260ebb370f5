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
  // Retention days stop at 25,000: a TTL is a DateTime, which ends in February 2106, and one
  // computed past it wraps round into the past (time_start + 36,500 days came out in 1990), which
  // would delete every row as it arrives.
  flowsTtlDays: {
    env: 'HOLOWATCH_FLOWS_TTL_DAYS',
    kind: 'int',
    default: '180',
    min: 0,
    max: 25000,
    doc: 'Days raw flows from sensors (NetFlow/IPFIX) are kept, counted from their own time (0 keeps them forever); the scan rollups follow. See docs/retention.md.',
  },
  importTtlDays: {
    env: 'HOLOWATCH_IMPORT_TTL_DAYS',
    kind: 'int',
    default: '365',
    min: 0,
    max: 25000,
    doc: 'Days the flows of imported captures (import-pcap, POST /api/v1/pcaps, the inbox) are kept, counted from the import, however old the capture (0 keeps them forever).',
  },
  rollupTtlDays: {
    env: 'HOLOWATCH_ROLLUP_TTL_DAYS',
    kind: 'int',
    default: '0',
    min: 0,
    max: 25000,
    doc: 'Days the traffic rollups (traffic_1m, traffic_1d: charts, statistics, baselines) are kept, counted from flow time (0 keeps them forever).',
  },
  collectorHost: {
    env: 'HOLOWATCH_COLLECTOR_HOST',
    kind: 'string',
    default: '::',
    doc: "Address the NetFlow/IPFIX listeners bind ('::' = every IPv4 and IPv6 address).",
  },
  netflowPort: {
    env: 'HOLOWATCH_NETFLOW_PORT',
    kind: 'port',
    default: '2055',
    min: 0,
    doc: 'UDP port for NetFlow v5/v9 (any version is accepted); 0 picks a free port (logged at start).',
  },
  ipfixPort: {
    env: 'HOLOWATCH_IPFIX_PORT',
    kind: 'port',
    default: '4739',
    min: 0,
    doc: 'UDP port for IPFIX (any version is accepted); 0 picks a free port (logged at start).',
  },
  udpReceiveBuffer: {
    env: 'HOLOWATCH_UDP_RECEIVE_BUFFER',
    kind: 'int',
    default: '8388608',
    min: 0,
    max: 1073741824,
    doc: 'UDP socket receive buffer in bytes (capped by net.core.rmem_max; 0 = OS default).',
  },
  exportersAllow: {
    env: 'HOLOWATCH_EXPORTERS_ALLOW',
    kind: 'list',
    default: '',
    doc: 'Comma-separated exporter addresses allowed to send flows; empty allows every exporter.',
  },
  writerBatchRows: {
    env: 'HOLOWATCH_WRITER_BATCH_ROWS',
    kind: 'int',
    default: '250000',
    min: 1,
    max: 10000000,
    doc: 'A flow batch is inserted when it reaches this many rows…',
  },
  writerFlushMs: {
    env: 'HOLOWATCH_WRITER_FLUSH_MS',
    kind: 'int',
    default: '1000',
    min: 10,
    max: 600000,
    doc: '…or this many milliseconds after its first row.',
  },
  writerQueueMb: {
    env: 'HOLOWATCH_WRITER_QUEUE_MB',
    kind: 'int',
    default: '256',
    min: 1,
    max: 65536,
    doc: 'Memory for batches waiting while ClickHouse is slow or away; beyond it they go to the spool.',
  },
  spoolMaxMb: {
    env: 'HOLOWATCH_SPOOL_MAX_MB',
    kind: 'int',
    default: '2048',
    min: 0,
    max: 10485760,
    doc: 'Disk spool limit (HOLOWATCH_DATA_DIR/spool); beyond it batches are dropped and counted.',
  },
  minFreeMb: {
    env: 'HOLOWATCH_MIN_FREE_MB',
    kind: 'int',
    default: '256',
    min: 0,
    max: 10485760,
    doc: 'Free disk space below which uploads and imports are refused with 503 (send again later) and /readyz says not ready, before anything is half-written; 0 turns the check off.',
  },
  detectIntervalMs: {
    env: 'HOLOWATCH_DETECT_INTERVAL_MS',
    kind: 'int',
    default: '3000',
    min: 1000,
    max: 3600000,
    doc: 'How often serve runs the SQL rules over the flows received since its last run: time to detect is the writer flush, up to this interval and the run itself (floods are found as flows are decoded, within a second or two).',
  },
  detectMergeGapS: {
    env: 'HOLOWATCH_DETECT_MERGE_GAP_S',
    kind: 'int',
    default: '1800',
    min: 10,
    max: 604800,
    doc: 'Detections of the same rule, attacker and target this close together (flow time) stay one incident.',
  },
  detectThresholds: {
    env: 'HOLOWATCH_DETECT_THRESHOLDS',
    kind: 'list',
    default: '',
    doc: 'Centre-wide threshold overrides, rule.param=value,... (e.g. flood.min_pps=50000); see docs/detection.md.',
  },
  pcapInbox: {
    env: 'HOLOWATCH_PCAP_INBOX',
    kind: 'path',
    default: undefined,
    doc: 'Folder watched by serve for capture files (.pcap, .pcapng, .gz); each is imported once its size is stable, then moved to done/ or failed/ (with <name>.reason.txt). Unset: no inbox.',
  },
  pcapInboxSensor: {
    env: 'HOLOWATCH_PCAP_INBOX_SENSOR',
    kind: 'string',
    default: 'inbox',
    doc: 'Sensor name recorded for captures of the inbox whose path does not name one (a file in <inbox>/<sensor>/ is recorded under <sensor>).',
  },
  pcapUploadMaxMb: {
    env: 'HOLOWATCH_PCAP_UPLOAD_MAX_MB',
    kind: 'int',
    default: '1024',
    min: 1,
    max: 1048576,
    doc: 'Largest capture accepted by POST /api/v1/pcaps, in MiB (compressed size for gzip); larger uploads get 413.',
  },
  pcapSyncMaxMb: {
    env: 'HOLOWATCH_PCAP_SYNC_MAX_MB',
    kind: 'int',
    default: '64',
    min: 0,
    max: 1048576,
    doc: 'Uploads to POST /api/v1/pcaps up to this size (MiB) are answered with the import summary; bigger ones with 202 and an import id to follow at GET /api/v1/pcaps/{id} (?wait=true or false overrides).',
  },
  hcUploadMaxMb: {
    env: 'HOLOWATCH_HC_UPLOAD_MAX_MB',
    kind: 'int',
    default: '256',
    min: 1,
    max: 65536,
    doc: 'Largest health-check report accepted by POST /api/v1/campaigns/:id/uploads and the CLI, in MiB; larger uploads get 413.',
  },
  hcSlaDays: {
    env: 'HOLOWATCH_HC_SLA_DAYS',
    kind: 'string',
    default: 'critical=7,high=30,medium=90,low=120',
    doc: 'Days an organisation has to rectify a finding, by severity; a campaign or a notice request may override them.',
  },
  hcSlaGradePercent: {
    env: 'HOLOWATCH_HC_SLA_GRADE_PERCENT',
    kind: 'string',
    default: 'core=50,important=100,general=100',
    doc: 'Percent of those days a finding gets by asset grade (core systems are fixed sooner), rounded up, at least one day.',
  },
  hcCentreName: {
    env: 'HOLOWATCH_HC_CENTRE_NAME',
    kind: 'string',
    default: '网络综合治理中心|Network Comprehensive Governance Centre',
    doc: 'Issuer printed in the header of notices, warnings and reports: Chinese name|English name.',
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
