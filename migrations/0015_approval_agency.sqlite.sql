-- Approval child tables carry their agency (DESIGN §4: every business row has
-- agency_id, so isolation is a plain WHERE and the table can be sharded by it),
-- and the approval tables refuse values the engine (core/approval.c) never
-- writes: roles (core/auth.c role_codes), scopes (appr_scope_codes), statuses
-- (appr_status_codes, appr_step_codes). Issue #10 items 5 and 7.
--
-- Each table is rebuilt (SQLite cannot add a CHECK or a NOT NULL column with a
-- REFERENCES to an existing table): CREATE new_X, INSERT ... SELECT, DROP X,
-- ALTER TABLE new_X RENAME TO X, indexes again. None of them has a trigger.
-- db_migrate runs this with foreign keys off and runs PRAGMA foreign_key_check
-- before it commits. On PostgreSQL the same is ALTER TABLE ... ADD COLUMN,
-- UPDATE ... FROM the parent, SET NOT NULL, ADD CONSTRAINT ... CHECK.

CREATE TABLE new_approval_rule_step (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  rule_id INTEGER NOT NULL REFERENCES approval_rule(id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('staff', 'dept_head', 'office', 'worker', 'leader',
    'finance', 'supervisor', 'sysadmin', 'secadmin', 'auditor')),
  scope TEXT NOT NULL CHECK (scope IN ('dept_head', 'role', 'committee')),
  PRIMARY KEY (rule_id, seq)
);
INSERT INTO new_approval_rule_step (agency_id, rule_id, seq, name, role, scope)
  SELECT r.agency_id, s.rule_id, s.seq, s.name, s.role, s.scope
  FROM approval_rule_step s JOIN approval_rule r ON r.id = s.rule_id;
DROP TABLE approval_rule_step;
ALTER TABLE new_approval_rule_step RENAME TO approval_rule_step;
CREATE INDEX approval_rule_step_agency ON approval_rule_step(agency_id);

CREATE TABLE new_approval (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL,                       -- open: each module registers its kinds
  entity TEXT,
  entity_id INTEGER,
  title TEXT NOT NULL,
  amount_fen INTEGER,
  reason TEXT,
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  requester_dept_id INTEGER REFERENCES department(id),
  rule_id INTEGER REFERENCES approval_rule(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  current_seq INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER
);
INSERT INTO new_approval (id, agency_id, kind, entity, entity_id, title, amount_fen, reason,
                          requester_id, requester_dept_id, rule_id, status, current_seq,
                          created_at, updated_at, decided_at)
  SELECT id, agency_id, kind, entity, entity_id, title, amount_fen, reason, requester_id,
         requester_dept_id, rule_id, status, current_seq, created_at, updated_at, decided_at
  FROM approval;
DROP TABLE approval;
ALTER TABLE new_approval RENAME TO approval;
CREATE INDEX approval_requester ON approval(requester_id);
CREATE INDEX approval_agency_status ON approval(agency_id, status);
CREATE INDEX approval_entity ON approval(entity, entity_id);

CREATE TABLE new_approval_step (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  approval_id INTEGER NOT NULL REFERENCES approval(id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('staff', 'dept_head', 'office', 'worker', 'leader',
    'finance', 'supervisor', 'sysadmin', 'secadmin', 'auditor')),
  scope TEXT NOT NULL CHECK (scope IN ('dept_head', 'role', 'committee')),
  scope_dept_id INTEGER REFERENCES department(id),
  status TEXT NOT NULL CHECK (status IN ('waiting', 'pending', 'approved', 'rejected',
    'skipped')),
  activated_at INTEGER,
  decided_by INTEGER REFERENCES app_user(id),
  deputy_for INTEGER REFERENCES app_user(id),
  decided_at INTEGER,
  comment TEXT,
  minutes_ref TEXT,
  reminded_at INTEGER
);
INSERT INTO new_approval_step (id, agency_id, approval_id, seq, name, role, scope, scope_dept_id,
                               status, activated_at, decided_by, deputy_for, decided_at, comment,
                               minutes_ref, reminded_at)
  SELECT s.id, a.agency_id, s.approval_id, s.seq, s.name, s.role, s.scope, s.scope_dept_id,
         s.status, s.activated_at, s.decided_by, s.deputy_for, s.decided_at, s.comment,
         s.minutes_ref, s.reminded_at
  FROM approval_step s JOIN approval a ON a.id = s.approval_id;
DROP TABLE approval_step;
ALTER TABLE new_approval_step RENAME TO approval_step;
CREATE UNIQUE INDEX approval_step_seq ON approval_step(approval_id, seq);
CREATE INDEX approval_step_status ON approval_step(status);
CREATE INDEX approval_step_decider ON approval_step(decided_by);
CREATE INDEX approval_step_agency ON approval_step(agency_id);
