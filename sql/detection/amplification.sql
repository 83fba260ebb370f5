-- Reflection / amplification: unsolicited UDP from amplifier source ports (DNS, NTP, SSDP,
-- memcached, CLDAP, CharGEN, SNMP, ...) towards one destination, from several reflectors.
-- Unsolicited means the destination sent nothing to that reflector's port shortly before, or
-- what it "sent" was spoofed (it answered the answers with ICMP unreachable, and they outweigh the
-- requests by min_factor): a resolver's own lookups, an NTP client's replies and the like are
-- answers to its own questions and never count. Only answers count: flows whose packets average at least the
-- smallest answer of their vector (amp_min_bytes, aligned with amp_ports). Only archive assets are
-- watched. The vectors are the amplifier ports that carry the packets.
-- Parameters: from, to, window_ms, offset_ms, amp_ports, amp_min_bytes, min_reflectors, min_factor,
-- min_bps (the lowest in force).
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    '' AS source,
    IPv6NumToString(dst_addr) AS target,
    [IPv6NumToString(dst_addr)] AS targets,
    arrayMap(x -> IPv6NumToString(x), topKWeighted(20)(src_addr, bytes)) AS sources,
    uniqExact(src_addr) AS source_count,
    groupUniqArrayIf((toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)), NOT empty(dst_asset)) AS assets,
    arraySort(groupUniqArray(src_port)) AS ports,
    [toUInt8(17)] AS protocols,
    sumMap([src_port], [bytes]) AS vector_bytes,
    sum(bytes) / greatest(sum(packets), 1) AS avg_bytes,
    sum(packets) / (w / 1000) AS pps,
    sum(bytes) * 8 / (w / 1000) AS bps,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND NOT empty(dst_asset) AND protocol = 17 AND has({amp_ports:Array(UInt16)}, src_port)
    AND bytes >= packets * arrayElement({amp_min_bytes:Array(UInt32)}, indexOf({amp_ports:Array(UInt16)}, src_port))
    AND (dst_addr, src_addr, src_port) IN (
        -- Unsolicited answers, per destination, reflector and vector: the destination asked
        -- nothing; or the "requests" were spoofed in its name (a sensor on their path sees them):
        -- it answered the answers with ICMP unreachable (no socket was waiting for them) and they
        -- outweigh the requests by the amplification factor. A resolver's big DNSSEC answers to
        -- its own queries find their socket, so they never count.
        SELECT a.victim, a.reflector, a.port
        FROM (
            SELECT dst_addr AS victim, src_addr AS reflector, src_port AS port, sum(bytes) AS answered
            FROM flows
            WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
                AND NOT empty(dst_asset) AND protocol = 17 AND has({amp_ports:Array(UInt16)}, src_port)
            GROUP BY victim, reflector, port
        ) AS a
        LEFT JOIN (
            SELECT src_addr AS victim, dst_addr AS reflector, dst_port AS port, sum(bytes) AS asked
            FROM flows
            WHERE time_start >= {from:DateTime64(3)} - INTERVAL 2 MINUTE AND time_start < {to:DateTime64(3)}
                AND protocol = 17 AND has({amp_ports:Array(UInt16)}, dst_port)
            GROUP BY victim, reflector, port
        ) AS q ON q.victim = a.victim AND q.reflector = a.reflector AND q.port = a.port
        LEFT JOIN (
            SELECT src_addr AS victim, dst_addr AS reflector, count() AS unreachable
            FROM flows
            WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)} + INTERVAL 1 MINUTE
                AND ((protocol = 1 AND icmp_type = 3) OR (protocol = 58 AND icmp_type = 1))
            GROUP BY victim, reflector
        ) AS u ON u.victim = a.victim AND u.reflector = a.reflector
        WHERE q.asked = 0 OR (u.unreachable > 0 AND a.answered >= {min_factor:Float64} * q.asked))
GROUP BY window_start, dst_addr
HAVING source_count >= {min_reflectors:UInt32} AND bps >= {min_bps:Float64}
