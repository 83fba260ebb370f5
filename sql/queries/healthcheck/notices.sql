-- Current notices or warnings with the organisation they went to, filtered and paged. `orgs` is
-- an owner's scope (empty: every organisation). Overdue is decided in code against its clock.
SELECT
    n.*,
    o.name AS org_name,
    count() OVER () AS total
FROM
(
    SELECT * FROM hc_notices
    WHERE kind = {kind:String}
    ORDER BY id, version_at DESC
    LIMIT 1 BY id
) AS n
LEFT JOIN organisations_current AS o ON o.id = n.org_id
WHERE (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(n.org_id)))
  AND ({id:String} = '' OR n.id = toUUIDOrZero({id:String}))
  AND ({campaign:String} = '' OR n.campaign_id = toUUIDOrZero({campaign:String}))
  AND ({org:String} = '' OR n.org_id = toUUIDOrZero({org:String}))
  AND (empty({states:Array(String)}) OR has({states:Array(String)}, toString(n.state)))
  AND ({overdue_before:String} = '' OR (n.state NOT IN ('verified', 'closed') AND n.due_at < parseDateTime64BestEffortOrZero({overdue_before:String}, 3, 'UTC')))
ORDER BY n.due_at, n.id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
SETTINGS join_use_nulls = 0
