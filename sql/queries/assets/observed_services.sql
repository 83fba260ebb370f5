-- The services passive discovery saw answering on one asset's addresses: the asset's networks
-- (IPv4 ones written as IPv4-mapped IPv6 ranges, as addresses are stored) or the asset the
-- archive dictionary named when the service was recorded.
SELECT
    if(isIPv4String(replaceOne(toString(addr), '::ffff:', '')), replaceOne(toString(addr), '::ffff:', ''), toString(addr)) AS address,
    port,
    toString(protocol) AS protocol,
    service,
    product,
    evidence,
    toUnixTimestamp64Milli(first_seen) AS first_seen_ms,
    toUnixTimestamp64Milli(last_seen) AS last_seen_ms,
    packets,
    sensors
FROM observed_services_current
WHERE asset_id = toUUIDOrZero({asset:String})
   OR arrayExists(n -> isIPAddressInRange(toString(addr), n), {networks:Array(String)})
ORDER BY address, port, protocol
LIMIT 1000
