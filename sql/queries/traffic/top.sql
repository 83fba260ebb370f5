-- The top values of one dimension by bytes, packets or flows, from the rollups (see source.sql).
-- ${dimension} is filled from the route's allow-list (asset, organisation, sector, locality,
-- destination port, protocol; sources come from top_sources.sql). Same filters as summary.sql.
WITH
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality
SELECT toString(${dimension}) AS key, sum(flows) AS flows_sum, sum(packets) AS packets_sum, sum(bytes) AS bytes_sum,
       sumIf(bytes, direction = 'inbound') AS inbound_bytes, sumIf(bytes, direction = 'outbound') AS outbound_bytes,
       sumIf(bytes, direction = 'internal') AS internal_bytes
FROM ${source}
WHERE ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY key
ORDER BY ${metric}_sum DESC, key
LIMIT {limit:UInt32}
