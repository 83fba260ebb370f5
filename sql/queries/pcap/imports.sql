-- Imports of captures, newest first: one (by id) or the latest of a sensor and/or status.
-- An empty string leaves a filter out; a sensor token passes its own name as {owner}.
SELECT
    toString(id) AS import_id,
    status,
    file_name,
    sha256,
    sensor,
    origin,
    size,
    forced,
    format,
    packets,
    flows,
    services,
    skipped,
    error,
    toUnixTimestamp64Milli(started) AS started_ms,
    if(isNull(finished), NULL, toUnixTimestamp64Milli(assumeNotNull(finished))) AS finished_ms
FROM pcap_imports_current
WHERE ({id:String} = '' OR id = toUUIDOrZero({id:String}))
  AND ({owner:String} = '' OR sensor = {owner:String})
  AND ({sensor:String} = '' OR sensor = {sensor:String})
  AND ({status:String} = '' OR status = {status:String})
ORDER BY started DESC
LIMIT {limit:UInt32}
