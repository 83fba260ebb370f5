-- The newest change to the archive's assets and organisations: streaming flood detection reloads
-- its copy of the networks when this moves (a count too, for a deletion of the newest row).
SELECT toString(greatest((SELECT max(version_at) FROM assets), (SELECT max(version_at) FROM organisations))) AS version,
    (SELECT count() FROM assets) + (SELECT count() FROM organisations) AS n
