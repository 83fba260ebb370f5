-- Exposed high-risk service: a core or important archive asset answering, on a high-risk port
-- (RDP, SMB, Telnet, VNC, Redis, MongoDB, Elasticsearch, databases, ICS protocols...), a peer
-- outside the archive's networks. Answering is a SYN-ACK, or TCP data with ACK, or a UDP reply to
-- an ephemeral port (UDP from 27017 to a resolver's port 53 is a request, often spoofed),
-- from the service port: the service is reachable from outside whether or not the archive
-- declares it. One row per asset address; the peers are the sources.
-- Parameters: from, to, window_ms, offset_ms, ports, grades.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    '' AS source,
    IPv6NumToString(src_addr) AS target,
    [IPv6NumToString(src_addr)] AS targets,
    arraySlice(groupUniqArray(IPv6NumToString(dst_addr)), 1, 50) AS sources,
    uniqExact(dst_addr) AS source_count,
    groupUniqArray((toString(src_asset), toString(src_org), toString(src_sector), toString(src_locality), toString(src_grade))) AS assets,
    arraySort(groupUniqArray(src_port)) AS ports,
    groupUniqArray(protocol) AS protocols,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND direction = 'outbound' AND src_grade IN {grades:Array(String)} AND src_port IN {ports:Array(UInt16)}
    AND ((protocol = 6 AND (bitAnd(tcp_flags, 0x12) = 0x12 OR (bitAnd(tcp_flags, 0x14) = 0x10 AND bytes > packets * 52)))
        OR (protocol = 17 AND dst_port >= 1024))
GROUP BY window_start, src_addr
