-- The busiest sources sending to an incident's targets over its lifetime.
SELECT IPv6NumToString(src_addr) AS address, count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
       uniqExact(dst_port) AS ports
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start <= {to:DateTime64(3)}
    AND dst_addr IN (SELECT toIPv6(arrayJoin({targets:Array(String)})))
    AND (empty({attackers:Array(String)}) OR src_addr IN (SELECT toIPv6(arrayJoin({attackers:Array(String)}))))
GROUP BY src_addr
ORDER BY packets DESC
LIMIT 20
