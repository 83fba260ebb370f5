-- The import that makes a new one of the same content unnecessary: a finished one, or one still
-- running. A running import writes a new "running" row every 30 s: one silent for two minutes
-- died with its process, and the content may be imported again (its batches stored before are
-- not stored twice: they carry the same deduplication tokens).
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
  AND (status = 'done' OR (status = 'running' AND version_at > now64(6) - INTERVAL 2 MINUTE))
ORDER BY status = 'done' DESC, started DESC
LIMIT 1
