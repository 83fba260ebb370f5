-- Uploads record how many scanned hosts fell outside the campaign's scope (organisations,
-- sectors, localities, networks): nothing of those hosts is imported; the notes name them.
-- cluster: replicated

ALTER TABLE hc_uploads ADD COLUMN IF NOT EXISTS out_of_scope_hosts UInt32 DEFAULT 0 AFTER unregistered_hosts;
