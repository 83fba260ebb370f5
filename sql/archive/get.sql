-- One archive object as it was at {as_of}: its latest version at or before that time.
SELECT *
FROM ${table}
WHERE ${key} = {key:${key_type}} AND version_at <= {as_of:DateTime64(6)}
ORDER BY version_at DESC
LIMIT 1
