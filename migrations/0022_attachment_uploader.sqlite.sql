-- Per-user upload quota (core/files.c quota_check sums a user's uploads on
-- every upload) and the expiry job's scan of unattached uploads per agency.
CREATE INDEX attachment_created_by ON attachment(created_by);
CREATE INDEX attachment_unattached ON attachment(agency_id, created_at) WHERE owner_entity IS NULL;
