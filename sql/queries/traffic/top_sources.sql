-- The top source addresses, with the same filters (on the archive side) as the other traffic
-- queries. The rollups keep no addresses, so the rows are either raw flows with their archive
-- side worked out (source_rows.sql: exact, for ranges up to a day) or flow_sources_sample, the
-- 1-in-16 flow sample of migration 0024 (longer ranges), whose sums are scaled by 16.
SELECT IPv6NumToString(src_addr) AS key, ${scale} * count() AS flows_sum, ${scale} * sum(packets) AS packets_sum,
       ${scale} * sum(bytes) AS bytes_sum, ${scale} * sumIf(bytes, direction = 'inbound') AS inbound_bytes,
       ${scale} * sumIf(bytes, direction = 'outbound') AS outbound_bytes, ${scale} * sumIf(bytes, direction = 'internal') AS internal_bytes
FROM ${rows}
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY src_addr
ORDER BY ${metric}_sum DESC, key
LIMIT {limit:UInt32}
