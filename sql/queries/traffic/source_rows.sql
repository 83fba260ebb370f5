-- Raw flows with the columns of flow_sources_sample: the archive side of each flow (the source
-- asset for outbound traffic, else the destination asset), for top_sources.sql.
(
    SELECT time_start, src_addr, direction,
           if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
           if(direction = 'outbound', src_org, dst_org) AS side_org,
           if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
           if(direction = 'outbound', src_locality, dst_locality) AS side_locality,
           packets, bytes
    FROM flows
)
