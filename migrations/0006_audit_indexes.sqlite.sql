-- Audit log browsing and protection (modules/audit/auditlog.c).
--
-- 1. The browser lists one agency's rows newest first (WHERE agency_id = ? ORDER BY id DESC):
--    an index on agency_id (which carries the rowid) serves both the filter and the order,
--    and the page's COUNT(*). Entity history uses the existing audit_entity(entity, entity_id).
CREATE INDEX audit_agency ON audit_log(agency_id);

-- 2. Nothing in the product edits or deletes audit rows (DESIGN §5). These triggers make the
--    database refuse it too, so a bug or a stray SQL console cannot rewrite history by
--    accident. They do not stop someone with write access to the file (they can drop the
--    triggers first): `houqin audit verify` and GET /api/v1/audit/verify detect that.
--    SQLite form; a PostgreSQL backend gets the same rule as a BEFORE UPDATE OR DELETE
--    trigger function that raises an exception (or REVOKE UPDATE, DELETE from the app role).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
