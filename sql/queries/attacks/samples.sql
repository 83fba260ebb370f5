-- Sample flows of an incident, both directions, earliest first.
SELECT toUnixTimestamp64Milli(time_start) AS start_ms, toUnixTimestamp64Milli(time_end) AS end_ms,
       IPv6NumToString(src_addr) AS src, src_port, IPv6NumToString(dst_addr) AS dst, dst_port, protocol, tcp_flags,
       icmp_type, icmp_code, packets, bytes, sensor, toString(source_kind) AS source_kind
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start <= {to:DateTime64(3)}
    AND ((dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
            AND (empty({attackers:Array(String)}) OR src_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)})))))
        OR (src_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
            AND (empty({attackers:Array(String)}) OR dst_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)}))))))
ORDER BY time_start
LIMIT {limit:UInt32}
