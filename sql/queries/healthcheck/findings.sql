-- Current findings with their asset, organisation, sector, locality and grade, filtered and paged.
-- Empty filters match everything; `campaigns` and `orgs` are the caller's scope (empty: no limit).
-- ${order} is chosen from an allow-list in code.
SELECT
    f.id AS id, f.campaign_id AS campaign_id, f.host AS host, f.address AS address, f.hostname AS hostname,
    f.asset_id AS asset_id, a.name AS asset_name, toString(a.grade) AS grade,
    f.org_id AS org_id, o.name AS org_name, toString(o.sector) AS sector, toString(o.locality) AS locality,
    f.port AS port, f.protocol AS protocol, f.service AS service, f.product AS product, f.version AS version,
    f.title AS title, toString(f.severity) AS severity, f.scanner AS scanner, f.scanner_id AS scanner_id,
    f.cves AS cves, f.cwes AS cwes, f.cvss AS cvss, f.description AS description, f.evidence AS evidence, f.solution AS solution,
    f.vendors AS vendors, toString(f.state) AS state, f.risk_expires_at AS risk_expires_at, f.state_note AS state_note,
    f.first_seen AS first_seen, f.last_seen AS last_seen, f.version_at AS version_at, f.changed_by AS changed_by,
    count() OVER () AS total
FROM
(
    SELECT * FROM hc_findings
    WHERE ({campaign:String} = '' OR campaign_id = toUUIDOrZero({campaign:String}))
      AND (empty({campaigns:Array(String)}) OR has({campaigns:Array(String)}, toString(campaign_id)))
    ORDER BY id, version_at DESC
    LIMIT 1 BY id
) AS f
LEFT JOIN assets_current AS a ON a.id = f.asset_id
LEFT JOIN organisations_current AS o ON o.id = f.org_id
WHERE (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(f.org_id)))
  AND ({id:String} = '' OR f.id = toUUIDOrZero({id:String}))
  AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, toString(f.severity)))
  AND (empty({states:Array(String)}) OR has({states:Array(String)}, toString(f.state)))
  AND ({cve:String} = '' OR has(f.cves, {cve:String}))
  AND ({org:String} = '' OR f.org_id = toUUIDOrZero({org:String}))
  AND ({asset:String} = '' OR f.asset_id = toUUIDOrZero({asset:String}))
  AND ({host:String} = '' OR f.host = {host:String})
  AND ({sector:String} = '' OR toString(o.sector) = {sector:String})
  AND ({locality:String} = '' OR toString(o.locality) = {locality:String})
  AND ({registered:String} = '' OR (f.asset_id != toUUIDOrZero('')) = ({registered:String} = 'true'))
  AND ({q:String} = '' OR positionCaseInsensitiveUTF8(f.title, {q:String}) > 0)
ORDER BY ${order}, f.id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
SETTINGS join_use_nulls = 0
