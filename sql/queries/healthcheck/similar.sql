-- "Issue one, prevent ten": every archive asset with a characteristic, from three places:
-- services the owners declared in the archive, services seen answering in traffic
-- (observed_services) and what health checks found (findings of any campaign, scan observations).
-- A characteristic is a CVE, a product (and optionally a version) or a port (and optionally a
-- protocol); empty parameters are not searched for.
SELECT 'declared' AS source, a.id AS asset_id, a.org_id AS org_id, tupleElement(s, 'port') AS port, toString(tupleElement(s, 'protocol')) AS protocol,
    trim(concat(tupleElement(s, 'product'), ' ', tupleElement(s, 'version'))) AS what
FROM assets_current AS a
ARRAY JOIN a.services AS s
WHERE a.status = 'active'
  AND (({product:String} != '' AND positionCaseInsensitiveUTF8(tupleElement(s, 'product'), {product:String}) > 0
         AND ({version:String} = '' OR startsWith(tupleElement(s, 'version'), {version:String})))
    OR ({port:UInt16} != 0 AND tupleElement(s, 'port') = {port:UInt16} AND ({protocol:String} = '' OR toString(tupleElement(s, 'protocol')) = {protocol:String})))

UNION ALL

SELECT 'observed' AS source, asset_id, org_id, port, toString(protocol) AS protocol, product AS what
FROM observed_services_current
WHERE asset_id != toUUIDOrZero('')
  AND (({product:String} != '' AND positionCaseInsensitiveUTF8(product, {product:String}) > 0
         AND ({version:String} = '' OR positionCaseInsensitiveUTF8(product, {version:String}) > 0))
    OR ({port:UInt16} != 0 AND port = {port:UInt16} AND ({protocol:String} = '' OR toString(protocol) = {protocol:String})))

UNION ALL

SELECT 'found' AS source, asset_id, org_id, port, protocol, concat(title, if(empty(cves), '', concat(' (', arrayStringConcat(cves, ', '), ')'))) AS what
FROM
(
    SELECT * FROM hc_findings ORDER BY id, version_at DESC LIMIT 1 BY id
)
WHERE asset_id != toUUIDOrZero('')
  AND state IN ('open', 'reopened', 'accepted_risk')
  AND (({cve:String} != '' AND has(cves, {cve:String}))
    OR ({product:String} != '' AND positionCaseInsensitiveUTF8(product, {product:String}) > 0
         AND ({version:String} = '' OR startsWith(version, {version:String})))
    OR ({port:UInt16} != 0 AND port = {port:UInt16} AND ({protocol:String} = '' OR protocol = {protocol:String})))

UNION ALL

SELECT 'found' AS source, asset_id, org_id, port, protocol, trim(concat(service, ' ', product, ' ', version)) AS what
FROM hc_observations
WHERE asset_id != toUUIDOrZero('')
  AND (({product:String} != '' AND positionCaseInsensitiveUTF8(product, {product:String}) > 0
         AND ({version:String} = '' OR startsWith(version, {version:String})))
    OR ({port:UInt16} != 0 AND port = {port:UInt16} AND ({protocol:String} = '' OR protocol = {protocol:String})))
