-- The lifecycle of one incident: every state change and note, oldest first.
SELECT toString(state) AS state, previous_state, note, changed_by, changed_from,
       toUnixTimestamp64Milli(toDateTime64(version_at, 3)) AS at_ms
FROM incident_states WHERE incident_id = {id:UUID}
ORDER BY version_at
