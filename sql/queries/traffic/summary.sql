-- Traffic analysed in a time range, split by direction (inbound, outbound, internal, external),
-- from the rollups (see source.sql). Filters apply to the archive side of each flow: the destination
-- for inbound and internal traffic, the source for outbound. Empty filters mean "any".
WITH
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality
SELECT toString(direction) AS direction, sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
FROM ${source}
WHERE ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY direction
