-- Vertical port scan: one source probing many ports of one host in a window.
-- Only failed or half-open attempts count, as Zeek's scan policy does: TCP flows from the source
-- that never carried ACK (the handshake never completed: SYN answered by RST, SYN unanswered,
-- SYN answered by SYN-ACK then reset by the scanner) and the stealth probes (NULL, FIN, Xmas,
-- SYN+FIN), plus UDP flows the host never answered (silence or ICMP port unreachable). UDP that is
-- itself an answer is never a probe: from an amplifier port (reflection, the amplification rule's),
-- or from a service port (< 1024) to an ephemeral one (the answer to a request the destination sent).
-- Backscatter is never a probe: SYN-ACK and RST-ACK carry ACK, and a bare RST (no SYN, no FIN)
-- is excluded explicitly.
-- The fanout_ports_1m rollup finds the candidate pairs cheaply; raw flows give the exact count.
-- Parameters: from, to, window_ms, offset_ms (windows start at offset + k * window), min_ports, amp_ports.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o,
    multiIf(
        protocol = 17, 'udp',
        bitAnd(tcp_flags, 0x03) = 0x03, 'synfin',
        bitAnd(tcp_flags, 0x02) != 0, 'syn',
        bitAnd(tcp_flags, 0x29) = 0x29, 'xmas',
        bitAnd(tcp_flags, 0x3f) = 0, 'null',
        bitAnd(tcp_flags, 0x01) != 0, 'fin',
        'other') AS technique
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(src_addr) AS source,
    IPv6NumToString(dst_addr) AS target,
    [IPv6NumToString(dst_addr)] AS targets,
    [IPv6NumToString(src_addr)] AS sources,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    uniqExact(protocol, dst_port) AS port_count,
    arraySlice(arraySort(groupUniqArray(dst_port)), 1, 200) AS ports,
    groupUniqArray(protocol) AS protocols,
    arraySort(groupUniqArray(technique)) AS techniques,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND (src_addr, dst_addr) IN (
        SELECT src_addr, dst_addr FROM fanout_ports_1m
        WHERE minute >= toStartOfMinute({from:DateTime64(3)}) AND minute < {to:DateTime64(3)}
        GROUP BY src_addr, dst_addr
        HAVING uniqMerge(ports) >= {min_ports:UInt32})
    AND (
        (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0 AND NOT (bitAnd(tcp_flags, 0x04) != 0 AND bitAnd(tcp_flags, 0x03) = 0))
        OR (protocol = 17 AND NOT has({amp_ports:Array(UInt16)}, src_port) AND NOT (src_port < 1024 AND dst_port >= 1024)
            AND (dst_addr, src_addr, dst_port, src_port) NOT IN (
            SELECT src_addr, dst_addr, src_port, dst_port FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND protocol = 17)))
GROUP BY window_start, src_addr, dst_addr
HAVING port_count >= {min_ports:UInt32}
