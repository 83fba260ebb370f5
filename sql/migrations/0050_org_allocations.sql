-- Address allocations: the blocks of address space the centre allocates to an organisation.
-- Owners register asset networks only inside their own organisation's allocations, and nothing
-- that shares addresses with another organisation's allocations or asset networks (the most
-- specific network wins flow attribution, so a nested block would take another's traffic).
-- Allocations are versioned with the rest of the organisation.
-- cluster: replicated

ALTER TABLE organisations ADD COLUMN IF NOT EXISTS allocations Array(String) DEFAULT [] COMMENT 'canonical CIDRs the centre allocated' AFTER contacts;

-- The *_current view was created with SELECT * before the column existed: recreate it so that
-- reads of the current state see the allocations.
CREATE OR REPLACE VIEW organisations_current AS
SELECT * FROM organisations ORDER BY id, version_at DESC LIMIT 1 BY id;

-- Existing archives: every active organisation gets the networks of its active assets as its
-- allocations, in a new version written by 'migration' (the history keeps what was before).
-- Networks that two organisations already share stay with both; GET
-- /api/v1/archive/allocation-conflicts lists them for an administrator to resolve.
INSERT INTO organisations
    (id, name, credit_code, sector, locality, address, cso_name, cso_phone, cso_email, cso_certificate, contacts, allocations, status, version_at, changed_by)
SELECT
    o.id, o.name, o.credit_code, o.sector, o.locality, o.address, o.cso_name, o.cso_phone, o.cso_email, o.cso_certificate, o.contacts,
    n.networks, o.status, greatest(now64(6), o.version_at + toIntervalMicrosecond(1)), 'migration'
FROM organisations_current AS o
INNER JOIN
(
    SELECT org_id, arraySort(groupUniqArrayArray(networks)) AS networks
    FROM assets_current
    WHERE status = 'active'
    GROUP BY org_id
    HAVING length(networks) > 0
) AS n ON n.org_id = o.id
WHERE o.status = 'active';
