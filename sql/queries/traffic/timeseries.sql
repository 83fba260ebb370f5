-- Traffic over time in steps of {step_s} seconds (a multiple of a minute), by direction, from
-- the rollups (source.sql); same filters as summary.sql.
WITH
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality
SELECT toUnixTimestamp(toStartOfInterval(minute, toIntervalSecond({step_s:UInt32}))) * 1000 AS time_ms,
       toString(direction) AS direction, sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
FROM ${source}
WHERE ({asset:String} = '' OR side_asset = toUUIDOrZero({asset:String}))
    AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(side_org)))
    AND ({sector:String} = '' OR side_sector = {sector:String})
    AND ({locality:String} = '' OR side_locality = {locality:String})
    AND ({direction:String} = '' OR toString(direction) = {direction:String})
GROUP BY time_ms, direction
ORDER BY time_ms, direction
