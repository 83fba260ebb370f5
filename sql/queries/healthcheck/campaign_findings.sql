-- The current version of every finding of one campaign (what a new upload is compared with).
SELECT *
FROM hc_findings
WHERE campaign_id = {campaign:UUID}
ORDER BY id, version_at DESC
LIMIT 1 BY id
