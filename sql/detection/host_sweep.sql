-- Horizontal scan (sweep): one source probing many hosts on one service in a window. The
-- service is the protocol and destination port, or ICMP/ICMPv6 echo. Failed attempts only, as
-- for port scans: TCP without a completed handshake, UDP and echo requests never answered.
-- Unused ("dark") addresses inside the archive's networks — addresses that sent nothing in the
-- window — are counted apart: a sweep of them needs fewer hosts to fire (min_dark_hosts).
-- The fanout_hosts_1m rollup finds the candidates; raw flows give the exact count.
-- Parameters: from, to, window_ms, offset_ms, min_hosts (the lower of both thresholds).
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o,
    if(protocol IN (1, 58), toUInt16(icmp_type) * 256 + icmp_code, dst_port) AS service
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(src_addr) AS source,
    concat(multiIf(protocol = 6, 'tcp', protocol = 17, 'udp', 'icmp'), '/', if(protocol IN (1, 58), 'echo', toString(dst_port))) AS target,
    arraySlice(groupUniqArray(IPv6NumToString(dst_addr)), 1, 50) AS targets,
    [IPv6NumToString(src_addr)] AS sources,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    uniqExact(dst_addr) AS host_count,
    uniqExactIf(dst_addr, NOT empty(dst_asset) AND dst_addr NOT IN (
        SELECT src_addr FROM flows
        WHERE time_start >= {from:DateTime64(3)} - INTERVAL 5 MINUTE AND time_start < {to:DateTime64(3)}
            AND NOT empty(src_asset))) AS dark_host_count,
    [if(protocol IN (1, 58), 0, dst_port)] AS ports,
    [protocol] AS protocols,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND (src_addr, protocol, service) IN (
        SELECT src_addr, protocol, service FROM fanout_hosts_1m
        WHERE minute >= toStartOfMinute({from:DateTime64(3)}) AND minute < {to:DateTime64(3)}
        GROUP BY src_addr, protocol, service
        HAVING uniqMerge(hosts) >= {min_hosts:UInt32})
    AND (
        (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0 AND NOT (bitAnd(tcp_flags, 0x04) != 0 AND bitAnd(tcp_flags, 0x03) = 0))
        OR (protocol = 17 AND (dst_addr, src_addr, dst_port, src_port) NOT IN (
            SELECT src_addr, dst_addr, src_port, dst_port FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND protocol = 17))
        OR (((protocol = 1 AND icmp_type = 8) OR (protocol = 58 AND icmp_type = 128)) AND (dst_addr, src_addr) NOT IN (
            SELECT src_addr, dst_addr FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND ((protocol = 1 AND icmp_type = 0) OR (protocol = 58 AND icmp_type = 129)))))
GROUP BY window_start, src_addr, protocol, service, dst_port
HAVING host_count >= {min_hosts:UInt32}
