-- The top source addresses over a long range, estimated from the 1-in-16 flow sample
-- (migration 0024): sums scaled by 16. Same filters as top_sources.sql.
SELECT IPv6NumToString(src_addr) AS key, 16 * count() AS flows_sum, 16 * sum(packets) AS packets_sum, 16 * sum(bytes) AS bytes_sum,
       16 * sumIf(bytes, direction = 'inbound') AS inbound_bytes, 16 * sumIf(bytes, direction = 'outbound') AS outbound_bytes,
       16 * sumIf(bytes, direction = 'internal') AS internal_bytes
FROM flow_sources_sample
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY src_addr
ORDER BY ${metric}_sum DESC, key
LIMIT {limit:UInt32}
