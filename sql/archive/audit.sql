-- The audit log, newest first, filtered; an empty filter value matches everything.
SELECT
    toString(audit_log.at) AS at_text, actor, toString(role) AS role_text, token_id, toString(action) AS action_text,
    toString(object_type) AS object_type_text, object_id, changes, address, toString(via) AS via_text,
    count() OVER () AS total
FROM audit_log
WHERE at >= {from:DateTime64(6)} AND at < {to:DateTime64(6)}
  AND ({object_type:String} = '' OR object_type = {object_type:String})
  AND ({object_id:String} = '' OR object_id = {object_id:String})
  AND ({actor:String} = '' OR actor = {actor:String})
  AND ({action:String} = '' OR action = {action:String})
  AND ({via:String} = '' OR via = {via:String})
ORDER BY audit_log.at DESC, object_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
