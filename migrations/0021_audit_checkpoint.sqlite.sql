-- Signed checkpoints of the audit chain (core/audit_anchor.c). The anchor is the append-only
-- file outside the database (audit-checkpoints.log); this copy lets the auditor see them
-- (GET /api/v1/audit/checkpoints) and compare each with the file. line is the exact text
-- appended to the file (head id, head hash, time, Ed25519 signature).
CREATE TABLE audit_checkpoint (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  head_id INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  line TEXT NOT NULL
);
CREATE INDEX audit_checkpoint_at ON audit_checkpoint(at);

-- Append-only like audit_log: the product never edits or deletes checkpoints.
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN
  SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;

CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN
  SELECT RAISE(ABORT, 'audit_checkpoint is append-only');
END;
