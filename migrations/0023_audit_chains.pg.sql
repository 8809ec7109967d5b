-- One audit hash chain per agency (issue #12): appends in different agencies no longer
-- queue behind one lock. chain is the agency id (0: no agency), position 1, 2, ... within
-- it; both NULL on the rows written before this version (the legacy global chain, kept
-- and verified by id as before; each chain's first row links to its last hash).
-- UNIQUE (chain, position): a second append at the same place fails instead of forking
-- the chain silently; the index is also the head lookup.
ALTER TABLE audit_log ADD COLUMN chain BIGINT;
ALTER TABLE audit_log ADD COLUMN position BIGINT;
CREATE UNIQUE INDEX audit_chain_position ON audit_log(chain, position);
-- The legacy chain's last hash, read when a chain starts (only legacy rows are in it).
CREATE INDEX audit_legacy ON audit_log(id) WHERE chain IS NULL;
-- The legacy writer chose ids itself; from now on the identity does, after them.
SELECT setval(pg_get_serial_sequence('audit_log', 'id'), COALESCE(MAX(id), 0) + 1, false)
  FROM audit_log;
