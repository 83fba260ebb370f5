-- What arrived since the detector's last look: the flow-time range of the flows received after
-- {since}, so that late NetFlow records and imported captures are analysed on their own time.
SELECT
    count() AS flows,
    toUnixTimestamp64Milli(min(time_start)) AS min_start_ms,
    toUnixTimestamp64Milli(max(time_start)) AS max_start_ms,
    toUnixTimestamp64Milli(max(time_received)) AS max_received_ms
FROM flows
WHERE time_received > {since:DateTime64(3)}
