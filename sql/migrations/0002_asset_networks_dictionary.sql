-- Every network of every active asset with the attributes flows are enriched with. The ip_trie
-- dictionary over it resolves an address to the most specific prefix; it is reloaded right after
-- each archive change (SYSTEM RELOAD DICTIONARY) and refreshed every minute regardless, so a
-- change made on another node of a cluster arrives too.
-- cluster: replicated

CREATE VIEW IF NOT EXISTS asset_networks_current AS
SELECT
    prefix,
    a.id AS asset_id,
    a.org_id AS org_id,
    toString(o.sector) AS sector,
    toString(o.locality) AS locality,
    toString(a.grade) AS grade
FROM (SELECT * FROM assets_current WHERE status = 'active') AS a
ARRAY JOIN a.networks AS prefix
LEFT JOIN organisations_current AS o ON o.id = a.org_id;

CREATE DICTIONARY IF NOT EXISTS asset_networks_dict
(
    prefix String,
    asset_id UUID,
    org_id UUID,
    sector String,
    locality String,
    grade String
)
PRIMARY KEY prefix
SOURCE(CLICKHOUSE(DB '${database}' TABLE 'asset_networks_current'))
LAYOUT(IP_TRIE)
LIFETIME(MIN 30 MAX 60);
