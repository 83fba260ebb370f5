-- The active assets with a network containing {ip}, with each matching network; the caller
-- keeps the most specific (the same answer the ip_trie dictionary gives flows).
SELECT id, org_id, prefix
FROM (SELECT id, org_id, networks FROM assets_current WHERE status = 'active')
ARRAY JOIN networks AS prefix
WHERE isIPAddressInRange({ip:String}, prefix)
