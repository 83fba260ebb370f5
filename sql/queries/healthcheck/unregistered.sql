-- Hosts of a campaign that no archive asset claims, one row each over all its uploads.
SELECT host, any(address) AS address, any(hostname) AS hostname, max(findings) AS findings, max(observations) AS observations,
    min(seen_at) AS first_seen, max(seen_at) AS last_seen, count() AS uploads
FROM hc_unregistered
WHERE campaign_id = {campaign:UUID}
GROUP BY host
ORDER BY findings DESC, host
