-- What arrived since the detector's last look: the flow-time hours of the flows received after
-- {since}, so that late NetFlow records and imported captures are analysed on their own time.
-- By hour, so that a capture of last year imported beside live traffic is analysed as its own
-- range instead of one range from last year to now (detection/spans.ts).
SELECT
    toUnixTimestamp(toStartOfHour(time_start)) * 1000 AS hour_ms,
    count() AS flows,
    toUnixTimestamp64Milli(min(time_start)) AS min_start_ms,
    toUnixTimestamp64Milli(max(time_start)) AS max_start_ms,
    toUnixTimestamp64Milli(max(time_received)) AS max_received_ms
FROM flows
WHERE time_received > {since:DateTime64(3)}
GROUP BY hour_ms
ORDER BY hour_ms
