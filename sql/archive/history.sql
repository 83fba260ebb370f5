-- Every version of one archive object, oldest first.
SELECT *
FROM ${table}
WHERE ${key} = {key:${key_type}}
ORDER BY version_at
