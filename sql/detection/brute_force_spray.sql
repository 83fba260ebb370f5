-- Password spraying: one source opening short, completed connections to one authentication
-- service on many hosts in a window (brute_force.sql watches one host; this one the spread).
-- The connections come from auth_sessions.sql (slot `sessions`).
-- Parameters: from, to, window_ms, offset_ms, ports, auth_products, auth_services, min_hosts,
-- min_sessions, min_packets, max_packets.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(src_addr) AS source,
    concat('tcp/', toString(dst_port)) AS target,
    arraySlice(groupUniqArray(IPv6NumToString(dst_addr)), 1, 50) AS targets,
    [IPv6NumToString(src_addr)] AS sources,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    [dst_port] AS ports,
    [toUInt8(6)] AS protocols,
    count() AS sessions,
    uniqExact(dst_addr) AS host_count,
    avg(packets) AS avg_session_packets,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM (${sessions})
GROUP BY window_start, src_addr, dst_port
HAVING host_count >= {min_hosts:UInt32} AND sessions >= {min_sessions:UInt32}
