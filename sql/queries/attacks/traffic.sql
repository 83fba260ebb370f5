-- The traffic of one incident, from its attacker side to its targets over its lifetime (an empty
-- attacker list means any source: floods): the totals, the per-minute timeline, the busiest
-- sources and the destination ports (or ICMP types), from one set of flows so that the facts, the
-- timeline, the sources and the ports of an incident page always agree. `kind` says which part a
-- row belongs to.
WITH attack AS (
    SELECT time_start, src_addr, dst_port, protocol, icmp_type, packets, bytes
    FROM flows
    WHERE time_start >= {from:DateTime64(3)} AND time_start <= {to:DateTime64(3)}
        AND dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
        AND (empty({attackers:Array(String)}) OR src_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)}))))
)
SELECT 'total' AS kind, toInt64(0) AS minute_ms, '' AS address, toUInt8(0) AS protocol, toUInt16(0) AS port,
    count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes, uniqExact(src_addr) AS sources, uniqExact(dst_port) AS ports
FROM attack
UNION ALL
SELECT 'minute', toInt64(toUnixTimestamp(toStartOfMinute(time_start))) * 1000, '', toUInt8(0), toUInt16(0),
    count(), sum(packets), sum(bytes), uniqExact(src_addr), uniqExact(dst_port)
FROM attack
GROUP BY toStartOfMinute(time_start)
UNION ALL
SELECT * FROM (
    SELECT 'source', toInt64(0), IPv6NumToString(src_addr), toUInt8(0), toUInt16(0),
        count() AS f, sum(packets) AS p, sum(bytes), toUInt64(1), uniqExact(dst_port)
    FROM attack
    GROUP BY src_addr
    ORDER BY p DESC, f DESC
    LIMIT 20)
UNION ALL
SELECT * FROM (
    SELECT 'port', toInt64(0), '', protocol, toUInt16(if(protocol IN (1, 58), icmp_type, dst_port)) AS service,
        count() AS f, sum(packets), sum(bytes), uniqExact(src_addr), toUInt64(1)
    FROM attack
    GROUP BY protocol, service
    ORDER BY f DESC
    LIMIT 100)
