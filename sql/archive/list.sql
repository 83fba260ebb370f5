-- The objects of one archive table as they were at {as_of} (the latest version of each at or
-- before it), filtered, sorted and paged; `total` counts every match before paging.
-- The table, key, filters and sort come from allow-lists in archive/kinds.ts; values are bound.
SELECT o.*, count() OVER () AS total
FROM
(
    SELECT * FROM ${table}
    WHERE version_at <= {as_of:DateTime64(6)}
    ORDER BY ${key}, version_at DESC
    LIMIT 1 BY ${key}
) AS o
WHERE ${where}
ORDER BY ${sort}
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
