-- Destination ports (or ICMP type) an incident's sources sent to its targets, busiest first.
SELECT protocol, if(protocol IN (1, 58), icmp_type, dst_port) AS port, count() AS flows, sum(packets) AS packets,
       sum(bytes) AS bytes
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start <= {to:DateTime64(3)}
    AND dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
    AND (empty({attackers:Array(String)}) OR src_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)}))))
GROUP BY protocol, port
ORDER BY flows DESC
LIMIT 100
