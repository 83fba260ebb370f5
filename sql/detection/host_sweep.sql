-- Horizontal scan (sweep): one source probing many hosts in a window, on one service or a few
-- (bro-simple-scan counts hosts across ports): one row per source and target organisation, so a
-- sweep of an organisation is one detection whatever the number of ports. Targets outside the
-- archive form one row per source (organisation nil).
-- Failed attempts only, as for port scans: TCP without a completed handshake, UDP and echo
-- requests never answered. UDP that is itself an answer is never a probe: from an amplifier port
-- (reflection, judged by the amplification rule), or from a service port (< 1024) to an
-- ephemeral one (the answer to a request the destination sent, even when the request is not in
-- the flows).
-- Archive hosts and unused ("dark") archive addresses — addresses that sent nothing in the
-- window — are counted apart: sweeps of them need fewer hosts to fire (Zeek's knock-knock idea).
-- The fanout_hosts_1m rollup finds the candidate sources; raw flows give the exact count.
-- Parameters: from, to, window_ms, offset_ms, min_hosts (the lowest of the host thresholds),
-- amp_ports.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o,
    concat(multiIf(protocol = 6, 'tcp', protocol = 17, 'udp', protocol = 58, 'icmpv6', 'icmp'), '/', if(protocol IN (1, 58), 'echo', toString(dst_port))) AS service
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(src_addr) AS source,
    toString(dst_org) AS target,
    arraySlice(groupUniqArray(IPv6NumToString(dst_addr)), 1, 50) AS targets,
    [IPv6NumToString(src_addr)] AS sources,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    uniqExact(dst_addr) AS host_count,
    uniqExactIf(dst_addr, NOT empty(dst_asset)) AS archive_host_count,
    uniqExactIf(dst_addr, NOT empty(dst_asset) AND dst_addr NOT IN (
        SELECT src_addr FROM flows
        WHERE time_start >= {from:DateTime64(3)} - INTERVAL 5 MINUTE AND time_start < {to:DateTime64(3)}
            AND NOT empty(src_asset))) AS dark_host_count,
    uniqExact(service) AS service_count,
    arraySlice(arrayMap(x -> x.1, arrayReverseSort(x -> x.2, arrayZip(mapKeys(sumMap(map(service, toUInt64(1)))), mapValues(sumMap(map(service, toUInt64(1))))))), 1, 20) AS services,
    arraySlice(arraySort(groupUniqArrayIf(dst_port, protocol IN (6, 17))), 1, 200) AS ports,
    groupUniqArray(protocol) AS protocols,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND src_addr IN (
        SELECT src_addr FROM fanout_hosts_1m
        WHERE minute >= toStartOfMinute({from:DateTime64(3)}) AND minute < {to:DateTime64(3)}
        GROUP BY src_addr
        HAVING uniqMerge(hosts) >= {min_hosts:UInt32})
    AND (
        (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0 AND NOT (bitAnd(tcp_flags, 0x04) != 0 AND bitAnd(tcp_flags, 0x03) = 0))
        OR (protocol = 17 AND NOT has({amp_ports:Array(UInt16)}, src_port) AND NOT (src_port < 1024 AND dst_port >= 1024)
            AND (dst_addr, src_addr, dst_port, src_port) NOT IN (
            SELECT src_addr, dst_addr, src_port, dst_port FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND protocol = 17))
        OR (((protocol = 1 AND icmp_type = 8) OR (protocol = 58 AND icmp_type = 128)) AND (dst_addr, src_addr) NOT IN (
            SELECT src_addr, dst_addr FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND ((protocol = 1 AND icmp_type = 0) OR (protocol = 58 AND icmp_type = 129)))))
GROUP BY window_start, src_addr, dst_org
HAVING host_count >= {min_hosts:UInt32}
