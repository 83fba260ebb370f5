-- Each archive asset's own normal inbound rates, learned from traffic_1m: packets/s, bits/s and
-- new flows/s per 5-minute slot over the 14 days before {until}, taken at a robust high
-- percentile (p99) of the slots that carried traffic. Slots during any incident on the asset
-- (first to last seen, whatever its state) are left out, so an attack does not teach the baseline
-- that attacks are normal. `slots` says how much history it rests on: the flood rule trusts it
-- from flood.baseline_min_slots on, and until then applies the grade's floors alone.
-- Parameters: until.
SELECT
    toString(s.dst_asset) AS asset,
    count() AS slots,
    quantileExact(0.99)(s.pps) AS pps,
    quantileExact(0.99)(s.bps) AS bps,
    quantileExact(0.99)(s.fps) AS fps
FROM
(
    SELECT dst_asset, toStartOfFiveMinutes(minute) AS slot,
        sum(packets) / 300 AS pps, sum(bytes) * 8 / 300 AS bps, sum(flows) / 300 AS fps
    FROM traffic_1m
    WHERE minute >= {until:DateTime64(3)} - INTERVAL 14 DAY AND minute < {until:DateTime64(3)}
        AND dst_asset != toUUID('00000000-0000-0000-0000-000000000000')
    GROUP BY dst_asset, slot
) AS s
LEFT JOIN
(
    SELECT asset_id, groupArray((toStartOfFiveMinutes(first_seen), last_seen)) AS spans
    FROM (
        SELECT asset_id, first_seen, last_seen FROM incidents
        WHERE last_seen >= {until:DateTime64(3)} - INTERVAL 14 DAY
        ORDER BY id, updated_at DESC LIMIT 1 BY id)
    GROUP BY asset_id
) AS i ON i.asset_id = s.dst_asset
WHERE NOT arrayExists(x -> s.slot >= x.1 AND s.slot <= x.2, i.spans)
GROUP BY s.dst_asset
