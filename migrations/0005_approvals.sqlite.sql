-- Approval engine: rules (kind + amount range -> ordered steps), instances,
-- their steps with each decision, and deputies (出差代理).
CREATE TABLE approval_rule (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  min_amount_fen INTEGER,
  max_amount_fen INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE INDEX approval_rule_kind ON approval_rule(agency_id, kind);

CREATE TABLE approval_rule_step (
  rule_id INTEGER NOT NULL REFERENCES approval_rule(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  PRIMARY KEY (rule_id, seq)
);

CREATE TABLE approval (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL,
  entity TEXT,
  entity_id INTEGER,
  title TEXT NOT NULL,
  amount_fen INTEGER,
  reason TEXT,
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  requester_dept_id INTEGER REFERENCES department(id),
  rule_id INTEGER REFERENCES approval_rule(id),
  status TEXT NOT NULL,
  current_seq INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX approval_requester ON approval(requester_id);
CREATE INDEX approval_agency_status ON approval(agency_id, status);
CREATE INDEX approval_entity ON approval(entity, entity_id);

-- scope_dept_id: for scope dept_head, the department whose head decides (the
-- requester's, or the nearest ancestor that has a head), fixed at submission.
CREATE TABLE approval_step (
  id INTEGER PRIMARY KEY,
  approval_id INTEGER NOT NULL REFERENCES approval(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  scope_dept_id INTEGER REFERENCES department(id),
  status TEXT NOT NULL,
  activated_at INTEGER,
  decided_by INTEGER REFERENCES app_user(id),
  deputy_for INTEGER REFERENCES app_user(id),
  decided_at INTEGER,
  comment TEXT,
  minutes_ref TEXT,
  reminded_at INTEGER
);
CREATE UNIQUE INDEX approval_step_seq ON approval_step(approval_id, seq);
CREATE INDEX approval_step_status ON approval_step(status);
CREATE INDEX approval_step_decider ON approval_step(decided_by);

CREATE TABLE approval_deputy (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  principal_id INTEGER NOT NULL REFERENCES app_user(id),
  deputy_id INTEGER NOT NULL REFERENCES app_user(id),
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX approval_deputy_deputy ON approval_deputy(deputy_id);
CREATE INDEX approval_deputy_principal ON approval_deputy(principal_id);
