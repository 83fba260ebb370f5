-- The import that makes a new one of the same content unnecessary: a finished one, or one still
-- running (started less than an hour ago; an older "running" import died with its process).
SELECT
    toString(id) AS id,
    status,
    file_name,
    sensor,
    origin,
    format,
    packets,
    flows,
    services,
    skipped,
    toUnixTimestamp64Milli(started) AS started_ms,
    toUnixTimestamp64Milli(assumeNotNull(finished)) AS finished_ms
FROM pcap_imports_current
WHERE sha256 = {sha256:String}
  AND (status = 'done' OR (status = 'running' AND started > now64(3) - INTERVAL 1 HOUR))
ORDER BY status = 'done' DESC, started DESC
LIMIT 1
