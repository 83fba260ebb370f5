/**
 * The catalogue of detection thresholds: every rule's parameters with their default and where the
 * default comes from. Operators override them for the whole centre with
 * HOLOWATCH_DETECT_THRESHOLDS ("rule.param=value,..."), and admins per asset grade or per asset
 * (table detection_thresholds). docs/detection.md is written from this table.
 */
export interface ThresholdSpec {
  default: number
  unit: string
  origin: string
}

export const THRESHOLDS = {
  'port_scan.window_s': { default: 300, unit: 's', origin: 'Zeek scan.zeek port_scan_interval (5 min)' },
  'port_scan.min_ports': { default: 15, unit: 'ports', origin: 'Zeek scan.zeek port_scan_threshold' },
  'host_sweep.window_s': { default: 300, unit: 's', origin: 'Zeek scan.zeek addr_scan_interval (5 min)' },
  'host_sweep.min_hosts': { default: 25, unit: 'hosts', origin: 'Zeek scan.zeek addr_scan_threshold' },
  'host_sweep.min_dark_hosts': { default: 10, unit: 'hosts', origin: 'holowatch: unused archive addresses have no legitimate visitors (darknet practice)' },
  'flood.window_s': { default: 5, unit: 's', origin: 'FastNetMon average_calculation_time' },
  'flood.min_pps': { default: 20000, unit: 'packets/s', origin: 'FastNetMon threshold_pps' },
  'flood.min_mbps': { default: 1000, unit: 'Mbit/s', origin: 'FastNetMon threshold_mbps' },
  'flood.min_flows_per_s': { default: 3500, unit: 'flows/s', origin: 'FastNetMon threshold_flows' },
  'flood.class_share_pct': { default: 90, unit: '%', origin: 'issue 6: one class above 90 % of packets names the flood' },
  'amplification.window_s': { default: 10, unit: 's', origin: 'holowatch (two FastNetMon windows)' },
  'amplification.min_reflectors': { default: 10, unit: 'sources', origin: 'holowatch: reflection needs many reflectors (US-CERT TA14-017A)' },
  'amplification.min_avg_bytes': { default: 300, unit: 'bytes/packet', origin: 'holowatch: above plain DNS/NTP answers (NTP monlist 468 B, DNS ANY > 512 B)' },
  'amplification.min_mbps': { default: 10, unit: 'Mbit/s', origin: 'holowatch' },
  'brute_force.window_s': { default: 120, unit: 's', origin: 'Wazuh rule 5712 (sshd brute force: 8 in 120 s)' },
  'brute_force.min_sessions': { default: 8, unit: 'sessions', origin: 'Wazuh rule 5712 frequency' },
  'brute_force.slow_window_s': { default: 1800, unit: 's', origin: 'issue 6 slow variant (Elastic "potential SSH brute force" style long window)' },
  'brute_force.slow_min_sessions': { default: 30, unit: 'sessions', origin: 'issue 6 slow variant' },
  'brute_force.spray_window_s': { default: 1800, unit: 's', origin: 'holowatch spray variant' },
  'brute_force.spray_min_hosts': { default: 10, unit: 'hosts', origin: 'holowatch spray variant' },
  'brute_force.spray_min_sessions': { default: 20, unit: 'sessions', origin: 'holowatch spray variant' },
  'brute_force.session_min_packets': { default: 6, unit: 'packets', origin: 'issue 6 (short sessions, about 10-50 packets, both directions)' },
  'brute_force.session_max_packets': { default: 60, unit: 'packets', origin: 'issue 6 (short sessions, about 10-50 packets, both directions)' },
  'threat_intel.window_s': { default: 60, unit: 's', origin: 'holowatch: any contact counts' },
  'exposed_service.window_s': { default: 300, unit: 's', origin: 'holowatch: any answer counts' },
} as const satisfies Record<string, ThresholdSpec>

export type ThresholdName = keyof typeof THRESHOLDS
export type Thresholds = Record<ThresholdName, number>

/** Amplifier source ports and the vector each one names (US-CERT TA14-017A, CISA UDP-based amplification). */
export const AMPLIFIER_PORTS: Readonly<Record<number, string>> = {
  17: 'QOTD', 19: 'CharGEN', 53: 'DNS', 69: 'TFTP', 111: 'Portmap', 123: 'NTP', 137: 'NetBIOS', 161: 'SNMP',
  389: 'CLDAP', 520: 'RIPv1', 1434: 'MS-SQL browser', 1900: 'SSDP', 3283: 'Apple Remote Desktop', 3702: 'WS-Discovery',
  5353: 'mDNS', 5683: 'CoAP', 10001: 'Ubiquiti discovery', 11211: 'memcached', 27015: 'Steam', 37810: 'DHCPDiscover (DVR)',
}

/** Authentication services watched for brute force. */
export const AUTH_PORTS: Readonly<Record<number, string>> = {
  21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 110: 'POP3', 143: 'IMAP', 389: 'LDAP', 445: 'SMB', 465: 'SMTPS',
  587: 'SMTP submission', 636: 'LDAPS', 993: 'IMAPS', 995: 'POP3S', 1433: 'MS SQL', 1521: 'Oracle', 3306: 'MySQL',
  3389: 'RDP', 5432: 'PostgreSQL', 5900: 'VNC', 6379: 'Redis', 27017: 'MongoDB',
}

/** Services that must not answer outside the archive's networks (Shodan / CISA high-risk exposure lists). */
export const HIGH_RISK_PORTS: Readonly<Record<number, string>> = {
  21: 'FTP', 23: 'Telnet', 69: 'TFTP', 102: 'Siemens S7', 135: 'MS RPC', 137: 'NetBIOS', 139: 'NetBIOS session', 161: 'SNMP',
  445: 'SMB', 502: 'Modbus', 1433: 'MS SQL', 1521: 'Oracle', 1883: 'MQTT', 2181: 'ZooKeeper', 2375: 'Docker API',
  3306: 'MySQL', 3389: 'RDP', 5432: 'PostgreSQL', 5900: 'VNC', 5984: 'CouchDB', 6379: 'Redis', 8086: 'InfluxDB',
  9042: 'Cassandra', 9200: 'Elasticsearch', 11211: 'memcached', 20000: 'DNP3', 27017: 'MongoDB', 44818: 'EtherNet/IP',
  47808: 'BACnet',
}

export function defaultThresholds(): Thresholds {
  return Object.fromEntries(Object.entries(THRESHOLDS).map(([k, v]) => [k, v.default])) as Thresholds
}

export function isThresholdName(name: string): name is ThresholdName {
  return Object.hasOwn(THRESHOLDS, name)
}

/**
 * Parses HOLOWATCH_DETECT_THRESHOLDS entries ("flood.min_pps=5000") over the defaults. Throws
 * with the offending entry so that configuration errors name what is wrong.
 */
export function parseThresholdOverrides(entries: readonly string[], base: Thresholds = defaultThresholds()): Thresholds {
  const out = { ...base }
  for (const entry of entries) {
    const m = /^([a-z_]+\.[a-z_]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(entry.trim())
    if (!m) throw new Error(`"${entry}" is not rule.param=number`)
    if (!isThresholdName(m[1]!)) throw new Error(`unknown threshold ${m[1]} (known: ${Object.keys(THRESHOLDS).join(', ')})`)
    const value = Number(m[2])
    if (!(value > 0)) throw new Error(`${m[1]} must be positive`)
    out[m[1]] = value
  }
  return out
}
