-- Per-minute timeline of the traffic between an incident's attacker side and its targets, both
-- directions, over its lifetime. An empty attacker list means any source (floods).
SELECT
    toUnixTimestamp(toStartOfMinute(time_start)) * 1000 AS minute_ms,
    countIf(dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))) AS flows_in,
    count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes, uniq(src_addr) AS sources
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start <= {to:DateTime64(3)}
    AND ((dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
            AND (empty({attackers:Array(String)}) OR src_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)})))))
        OR (src_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
            AND (empty({attackers:Array(String)}) OR dst_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)}))))))
GROUP BY minute_ms
ORDER BY minute_ms
