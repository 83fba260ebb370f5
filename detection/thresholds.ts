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
  'port_scan.min_ports': { default: 10, unit: 'ports', origin: 'Zeek scan.zeek port_scan_threshold is 15 for any host; an archive server offers a handful of services, so 10 failed ports of one host is a scan (the lab IPv6 scan probes 11)' },
  'host_sweep.window_s': { default: 300, unit: 's', origin: 'Zeek scan.zeek addr_scan_interval (5 min)' },
  'host_sweep.min_hosts': { default: 25, unit: 'hosts', origin: 'Zeek scan.zeek addr_scan_threshold (any destination, also outside the archive)' },
  'host_sweep.min_archive_hosts': { default: 5, unit: 'hosts', origin: 'holowatch: failed probes to 5 hosts of one organisation, on any few ports (bro-simple-scan counts hosts across ports)' },
  'host_sweep.min_dark_hosts': { default: 5, unit: 'hosts', origin: 'holowatch: unused archive addresses have no legitimate visitors (Zeek knock-knock / darknet practice)' },
  'host_sweep.slow_window_s': { default: 7200, unit: 's', origin: 'bro-simple-scan slow scans (hours); Zeek knock-knock over long windows' },
  'host_sweep.slow_min_hosts': { default: 8, unit: 'hosts', origin: 'holowatch: archive hosts of one organisation probed without answer over 2 h' },
  'flood.window_s': { default: 5, unit: 's', origin: 'FastNetMon average_calculation_time' },
  'flood.min_pps': { default: 20000, unit: 'packets/s', origin: 'FastNetMon threshold_pps: any mix of traffic, even without a dominant attack class' },
  'flood.min_mbps': { default: 1000, unit: 'Mbit/s', origin: 'FastNetMon threshold_mbps: any mix of traffic' },
  'flood.min_flows_per_s': { default: 3500, unit: 'flows/s', origin: 'FastNetMon threshold_flows: any mix of traffic' },
  'flood.core_min_pps': { default: 800, unit: 'packets/s', origin: 'holowatch: a core server of a school, hospital or water works normally sees a few hundred packets/s; 1,000 SYN/s takes it down' },
  'flood.important_min_pps': { default: 1500, unit: 'packets/s', origin: 'holowatch: floor for important assets' },
  'flood.general_min_pps': { default: 3000, unit: 'packets/s', origin: 'holowatch: floor for general assets' },
  'flood.core_min_mbps': { default: 10, unit: 'Mbit/s', origin: 'holowatch: a small site\'s 10-100 Mbit/s uplink' },
  'flood.important_min_mbps': { default: 20, unit: 'Mbit/s', origin: 'holowatch: floor for important assets' },
  'flood.general_min_mbps': { default: 50, unit: 'Mbit/s', origin: 'holowatch: floor for general assets' },
  'flood.baseline_multiple': { default: 5, unit: '× baseline', origin: 'holowatch: five times the asset\'s own high percentile (FastNetMon uses fixed numbers; this adapts them to each asset)' },
  'flood.baseline_min_slots': { default: 288, unit: '5-min slots', origin: 'holowatch: one day of 5-minute slots with traffic before a baseline is trusted' },
  'flood.class_share_pct': { default: 90, unit: '%', origin: 'issue 6: one class above 90 % of packets names the flood' },
  'amplification.window_s': { default: 10, unit: 's', origin: 'holowatch (two FastNetMon windows)' },
  'amplification.min_reflectors': { default: 3, unit: 'sources', origin: 'holowatch: unsolicited answers from 3 amplifiers at once are an attack (US-CERT TA14-017A); reflections on small sites use few reflectors' },
  'amplification.min_factor': { default: 5, unit: '× request bytes', origin: 'holowatch: requests seen in the victim\'s name that it answered with ICMP unreachable, and whose answers are five times their size, were spoofed (US-CERT TA14-017A factors: DNS 28-54, NTP 556, SNMP 6)' },
  'amplification.core_min_mbps': { default: 0.2, unit: 'Mbit/s', origin: 'holowatch: unsolicited answers have no normal rate; 0.2 Mbit/s of them is deliberate' },
  'amplification.important_min_mbps': { default: 0.3, unit: 'Mbit/s', origin: 'holowatch: floor for important assets' },
  'amplification.general_min_mbps': { default: 0.4, unit: 'Mbit/s', origin: 'holowatch: floor for general assets' },
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

/**
 * Amplifier source ports: the vector each one names and the smallest answer it sends, in bytes per
 * packet (IP header included). UDP from these ports whose packets average at least that size is an
 * answer: never a probe, and unsolicited it is reflection. Sizes are the smallest real answers
 * (an NTP mode-3 reply is 76 bytes, SNMP GetResponses run about 100-250, CLDAP and WS-Discovery
 * answers are never small); sources: US-CERT TA14-017A, CISA "UDP-based amplification attacks",
 * Shadowserver's amplification scans (BACnet, IKE).
 */
export const AMPLIFIERS: Readonly<Record<number, { vector: string; minBytes: number }>> = {
  17: { vector: 'QOTD', minBytes: 40 }, 19: { vector: 'CharGEN', minBytes: 60 }, 53: { vector: 'DNS', minBytes: 60 },
  69: { vector: 'TFTP', minBytes: 40 }, 111: { vector: 'Portmap', minBytes: 60 }, 123: { vector: 'NTP', minBytes: 76 },
  137: { vector: 'NetBIOS', minBytes: 80 }, 161: { vector: 'SNMP', minBytes: 60 }, 389: { vector: 'CLDAP', minBytes: 200 },
  500: { vector: 'IKE', minBytes: 60 }, 520: { vector: 'RIPv1', minBytes: 40 }, 1434: { vector: 'MS-SQL browser', minBytes: 60 },
  1900: { vector: 'SSDP', minBytes: 100 }, 3283: { vector: 'Apple Remote Desktop', minBytes: 60 }, 3702: { vector: 'WS-Discovery', minBytes: 200 },
  4500: { vector: 'IKE NAT-T', minBytes: 60 }, 5353: { vector: 'mDNS', minBytes: 60 }, 5683: { vector: 'CoAP', minBytes: 40 },
  10001: { vector: 'Ubiquiti discovery', minBytes: 60 }, 11211: { vector: 'memcached', minBytes: 60 }, 27015: { vector: 'Steam', minBytes: 40 },
  37810: { vector: 'DHCPDiscover (DVR)', minBytes: 60 }, 47808: { vector: 'BACnet', minBytes: 40 },
}

/** The amplifier ports and their answer floors as two parallel arrays, for the queries. */
export const amplifierParams = (): { amp_ports: number[]; amp_min_bytes: number[] } => {
  const ports = Object.keys(AMPLIFIERS).map(Number)
  return { amp_ports: ports, amp_min_bytes: ports.map((p) => AMPLIFIERS[p]!.minBytes) }
}

/** Grades of the archive, each with its own flood and amplification floors. */
export const GRADES = ['core', 'important', 'general'] as const

/** The floor of `rule.<grade>_param` for an asset's grade; assets without a grade get the general one. */
export function gradeFloor(t: Thresholds, rule: 'flood' | 'amplification', param: 'min_pps' | 'min_mbps', grade: string | undefined): number {
  const g = (GRADES as readonly string[]).includes(grade ?? '') ? grade : 'general'
  return t[`${rule}.${g}_${param}` as ThresholdName]
}

/** Authentication services watched for brute force. */
export const AUTH_PORTS: Readonly<Record<number, string>> = {
  21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 110: 'POP3', 143: 'IMAP', 389: 'LDAP', 445: 'SMB', 465: 'SMTPS',
  587: 'SMTP submission', 636: 'LDAPS', 993: 'IMAPS', 995: 'POP3S', 1433: 'MS SQL', 1521: 'Oracle', 3306: 'MySQL',
  3389: 'RDP', 5432: 'PostgreSQL', 5900: 'VNC', 6379: 'Redis', 27017: 'MongoDB',
}

/** Declared products that are authentication services (a regular expression over lower-case product names). */
export const AUTH_PRODUCTS = 'ssh|dropbear|remote desktop|rdp|xrdp|telnet|ftp|vnc|mysql|mariadb|postgres|sql server|oracle|smtp|postfix|exim|imap|pop3|dovecot|ldap|redis|mongo|samba|smb|winrm'

/** Application protocols passive discovery recognises that take a password. */
export const AUTH_SERVICES = ['ssh', 'ftp', 'telnet', 'smtp', 'pop3', 'imap', 'mysql', 'redis', 'rdp', 'vnc', 'ldap', 'postgresql']

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
    if (!m) throw new Error(`"${entry}" is not rule.param=number (e.g. flood.core_min_pps=1200)`)
    if (!isThresholdName(m[1]!)) throw new Error(`unknown threshold ${m[1]} (known: ${Object.keys(THRESHOLDS).join(', ')})`)
    const value = Number(m[2])
    if (!(value > 0)) throw new Error(`${m[1]} must be positive`)
    out[m[1]] = value
  }
  return out
}
