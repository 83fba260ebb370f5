-- Known-bad addresses: flows with either end in an active threat-intel feed (threat_intel_dict,
-- an ip_trie over every feed's current entries). One row per listed address and the asset on the
-- other end; answered is 1 when traffic went both ways (the archive side talked back), which
-- raises the severity.
-- Parameters: from, to, window_ms, offset_ms.
WITH
    {window_ms:Int64} AS w,
    {offset_ms:Int64} AS o,
    dictHas('threat_intel_dict', src_addr) AS src_bad,
    if(src_bad, src_addr, dst_addr) AS bad,
    if(src_bad, dst_addr, src_addr) AS other,
    if(src_bad, dst_asset, src_asset) AS other_asset
SELECT
    intDiv(toUnixTimestamp64Milli(time_start) - o, w) * w + o AS window_start,
    IPv6NumToString(bad) AS source,
    if(empty(other_asset), IPv6NumToString(any(other)), toString(other_asset)) AS target,
    arraySlice(groupUniqArray(IPv6NumToString(other)), 1, 50) AS targets,
    [IPv6NumToString(bad)] AS sources,
    groupUniqArrayIf(if(src_bad,
        (toString(dst_asset), toString(dst_org), toString(dst_sector), toString(dst_locality), toString(dst_grade)),
        (toString(src_asset), toString(src_org), toString(src_sector), toString(src_locality), toString(src_grade))), NOT empty(other_asset)) AS assets,
    arraySlice(arraySort(groupUniqArray(if(src_bad, dst_port, src_port))), 1, 200) AS ports,
    groupUniqArray(protocol) AS protocols,
    dictGet('threat_intel_dict', 'feeds', bad) AS feeds,
    dictGet('threat_intel_dict', 'labels', bad) AS labels,
    toUInt8(countIf(src_bad) > 0 AND countIf(NOT src_bad) > 0) AS answered,
    toUnixTimestamp64Milli(min(time_start)) AS first_seen_ms,
    toUnixTimestamp64Milli(max(time_end)) AS last_seen_ms,
    sum(packets) AS packets_total,
    sum(bytes) AS bytes_total,
    count() AS flows_total
FROM flows
WHERE time_start >= {from:DateTime64(3)} AND time_start < {to:DateTime64(3)}
    AND (src_bad OR dictHas('threat_intel_dict', dst_addr))
GROUP BY window_start, bad, other_asset, if(empty(other_asset), other, toIPv6('::'))
