-- Rectification notices (整改通知单) and risk warnings (风险预警提示单): one row per version.
-- A notice goes to one organisation and is copied to its sector regulator and locality; its
-- lifecycle is issued → acknowledged → reported → verified → closed, and every step (with the
-- owner's note and evidence, the analyst's verification, an overdue escalation) is a version,
-- so the versions are the notice's history.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS hc_notices
(
    id UUID,
    kind Enum8('notice' = 1, 'warning' = 2),
    number String COMMENT 'human reference, e.g. ZG-2026-3F2A9C (notice) or YJ-2026-… (warning)',
    campaign_id UUID COMMENT 'nil for a notice from an incident or a warning from a query',
    org_id UUID,
    copy_sector String COMMENT 'sector regulator copied',
    copy_locality String COMMENT 'locality copied',
    title String,
    severity Enum8('info' = 0, 'low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4),
    finding_ids Array(UUID),
    incident_id String DEFAULT '',
    characteristic String DEFAULT '{}' COMMENT 'warnings: JSON of what was searched for (cve, product, version, port)',
    items String DEFAULT '[]' COMMENT 'JSON snapshot of the findings or affected assets the document lists',
    issued_at DateTime64(3, 'UTC'),
    due_at DateTime64(3, 'UTC'),
    state Enum8('issued' = 1, 'acknowledged' = 2, 'reported' = 3, 'verified' = 4, 'closed' = 5),
    escalated_at Nullable(DateTime64(3, 'UTC')),
    owner_note String DEFAULT '',
    evidence String DEFAULT '',
    verify_note String DEFAULT '',
    event LowCardinality(String) COMMENT 'issued, acknowledged, reported, verified, closed, escalated, rejected',
    event_note String DEFAULT '',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (id, version_at);

CREATE VIEW IF NOT EXISTS hc_notices_current AS
SELECT * FROM hc_notices ORDER BY id, version_at DESC LIMIT 1 BY id;
