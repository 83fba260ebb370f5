-- The traffic rows of a time range: whole days [day_from, day_to) from traffic_1d, the minutes
-- before and after them from traffic_1m. When the range holds no whole day (or a step below a
-- day is asked for), day_from = day_to = to and every row comes from traffic_1m.
-- traffic_1d folds ephemeral destination ports (32768+) into 0; so does the minute part, so that
-- a top list by port reads the same whatever the range.
(
    SELECT day AS minute, direction, dst_asset, src_asset, protocol, dst_port, dst_org, dst_sector, dst_locality,
           src_org, src_sector, src_locality, flows, packets, bytes
    FROM traffic_1d
    WHERE day >= {day_from:DateTime} AND day < {day_to:DateTime}
    UNION ALL
    SELECT minute, direction, dst_asset, src_asset, protocol, if(dst_port >= 32768, 0, dst_port) AS dst_port, dst_org,
           dst_sector, dst_locality, src_org, src_sector, src_locality, flows, packets, bytes
    FROM traffic_1m
    WHERE (minute >= toStartOfMinute({from:DateTime64(3)}) AND minute < {day_from:DateTime})
        OR (minute >= {day_to:DateTime} AND minute < {to:DateTime64(3)})
)
