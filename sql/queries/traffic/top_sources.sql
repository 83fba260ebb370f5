-- The top source addresses: the rollups do not keep addresses, so this one reads raw flows,
-- with the same filters (on the archive side) as the other traffic queries.
WITH
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality
SELECT IPv6NumToString(src_addr) AS key, count() AS flows_sum, sum(packets) AS packets_sum, sum(bytes) AS bytes_sum,
       sumIf(bytes, direction = 'inbound') AS inbound_bytes, sumIf(bytes, direction = 'outbound') AS outbound_bytes,
       sumIf(bytes, direction = 'internal') AS internal_bytes
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY src_addr
ORDER BY ${metric}_sum DESC, key
LIMIT {limit:UInt32}
