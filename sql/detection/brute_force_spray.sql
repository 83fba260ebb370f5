-- Password spraying: one source opening short sessions to one authentication service on many
-- hosts in a window (brute_force.sql watches one host; this one watches the spread). A
-- session is a TCP flow from the client that carried ACK (the handshake completed, unlike a
-- scan probe), to one of the authentication ports, whose packets in both directions stay
-- within [session_min_packets, session_max_packets]: a login attempt is short, an interactive
-- session or a file transfer is not.
-- Parameters: from, to, window_ms, offset_ms, ports, min_hosts, min_sessions, min_packets, max_packets.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o
SELECT
    intDiv(toUnixTimestamp64Milli(f.time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(f.src_addr) AS source,
    concat('tcp/', toString(f.dst_port)) AS target,
    arraySlice(groupUniqArray(IPv6NumToString(f.dst_addr)), 1, 50) AS targets,
    [IPv6NumToString(f.src_addr)] AS sources,
    groupUniqArrayIf((toString(f.dst_asset), toString(f.dst_org), toString(f.dst_sector), toString(f.dst_locality), toString(f.dst_grade)), NOT empty(f.dst_asset)) AS assets,
    [f.dst_port] AS ports,
    [toUInt8(6)] AS protocols,
    count() AS sessions,
    uniqExact(f.dst_addr) AS host_count,
    avg(f.packets + r.packets) AS avg_session_packets,
    toUnixTimestamp64Milli(min(f.time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(greatest(f.time_end, r.time_end))) AS last_seen_ms,
    sum(f.packets + r.packets) AS packets_total,
    sum(f.bytes + r.bytes) AS bytes_total,
    count() AS flows_total
FROM
(
    SELECT time_start, time_end, src_addr, dst_addr, src_port, dst_port, packets, bytes,
        dst_asset, dst_org, dst_sector, dst_locality, dst_grade
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
        AND protocol = 6 AND dst_port IN {ports:Array(UInt16)} AND bitAnd(tcp_flags, 0x10) != 0
) AS f
LEFT JOIN
(
    SELECT src_addr, dst_addr, src_port, dst_port, sum(packets) AS packets, sum(bytes) AS bytes, max(time_end) AS time_end
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} - INTERVAL 1 MINUTE AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
        AND protocol = 6 AND src_port IN {ports:Array(UInt16)}
    GROUP BY src_addr, dst_addr, src_port, dst_port
) AS r ON r.src_addr = f.dst_addr AND r.dst_addr = f.src_addr AND r.src_port = f.dst_port AND r.dst_port = f.src_port
WHERE f.packets + r.packets BETWEEN {min_packets:UInt64} AND {max_packets:UInt64}
GROUP BY window_start, f.src_addr, f.dst_port
HAVING host_count >= {min_hosts:UInt32} AND sessions >= {min_sessions:UInt32}
