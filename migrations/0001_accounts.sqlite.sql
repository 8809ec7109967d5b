-- Departments (a tree per agency), users, roles, sessions, API tokens, audit log.
CREATE TABLE department (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER REFERENCES department(id),
  parent_id INTEGER REFERENCES department(id),
  name TEXT NOT NULL,
  code TEXT,
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER
);
CREATE INDEX department_agency ON department(agency_id);
CREATE INDEX department_parent ON department(parent_id);
CREATE UNIQUE INDEX department_sibling_name ON department(agency_id, parent_id, name);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  department_id INTEGER REFERENCES department(id),
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  phone TEXT,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  deleted_at INTEGER
);
CREATE UNIQUE INDEX app_user_username ON app_user(username);
CREATE INDEX app_user_agency ON app_user(agency_id);
CREATE INDEX app_user_department ON app_user(department_id);

CREATE TABLE user_role (
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);

CREATE TABLE session (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  csrf_token TEXT NOT NULL,
  ip TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE UNIQUE INDEX session_token ON session(token_hash);
CREATE INDEX session_user ON session(user_id);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX api_token_hash ON api_token(token_hash);

-- Append-only. hash = BLAKE2b-256(prev_hash || canonical JSON of the row), see core/audit.c.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER,
  agency_id INTEGER,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  before_json TEXT,
  after_json TEXT,
  ip TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_actor ON audit_log(actor_id);
CREATE INDEX audit_at ON audit_log(at);
