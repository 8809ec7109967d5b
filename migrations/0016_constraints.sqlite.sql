-- Schema constraints (issue #10 item 7): the database itself refuses a role,
-- status or kind the code never writes, an id that points at no row, and the
-- work-order list filters get indexes that lead with the agency and end in the
-- sort column.
--
-- Allowed values come from the code's tables:
--   user_role.role              core/auth.c role_codes
--   attachment.kind             core/files.c kinds[]
--   workorder.status            modules/workorders wo_status_codes (transition table)
--   workorder.source            web | qr (wo_api create) | pm (preventive maintenance)
--   wo_event.action             'create' + wo_action_codes
--   wo_event.from/to_status     wo_status_codes
--   wo_sla_alert.kind           workorders_jobs.c alert kinds
-- Left open on purpose (each module adds its own without a migration):
-- approval.kind and approval_rule.kind (appr_register_kind), notification.kind,
-- audit_log.action.
--
-- SQLite cannot add a CHECK or a REFERENCES to an existing table, so each is
-- rebuilt (CREATE new_X, INSERT ... SELECT, DROP X, ALTER TABLE new_X RENAME
-- TO X, then its indexes and triggers again). db_migrate runs this with foreign
-- keys off and runs PRAGMA foreign_key_check before it commits. On PostgreSQL
-- the same is ALTER TABLE ... ADD CONSTRAINT ... CHECK / FOREIGN KEY.

-- ---- user_role ----
CREATE TABLE new_user_role (
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  role TEXT NOT NULL CHECK (role IN ('staff', 'dept_head', 'office', 'worker', 'leader',
    'finance', 'supervisor', 'sysadmin', 'secadmin', 'auditor')),
  PRIMARY KEY (user_id, role)
);
INSERT INTO new_user_role (user_id, role) SELECT user_id, role FROM user_role;
DROP TABLE user_role;
ALTER TABLE new_user_role RENAME TO user_role;
CREATE INDEX user_role_role ON user_role(role, user_id);

-- ---- attachment ----
CREATE TABLE new_attachment (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  content_hash TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  mime TEXT NOT NULL,
  filename TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
  owner_entity TEXT,
  owner_id INTEGER,
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO new_attachment (id, agency_id, content_hash, size, mime, filename, kind, owner_entity,
                            owner_id, created_by, created_at, updated_at)
  SELECT id, agency_id, content_hash, size, mime, filename, kind, owner_entity, owner_id,
         created_by, created_at, updated_at
  FROM attachment;
DROP TABLE attachment;
ALTER TABLE new_attachment RENAME TO attachment;
CREATE INDEX attachment_owner ON attachment(owner_entity, owner_id);
CREATE INDEX attachment_agency ON attachment(agency_id);
CREATE INDEX attachment_hash ON attachment(content_hash);

-- ---- workorder ----
CREATE TABLE new_workorder (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL UNIQUE,
  category_id INTEGER NOT NULL REFERENCES wo_category(id),
  location_id INTEGER NOT NULL REFERENCES location(id),
  title TEXT NOT NULL,
  description TEXT,
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  contact_phone TEXT,
  status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'dispatched', 'in_progress',
    'suspended', 'resolved', 'confirmed', 'cancelled')),
  source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'qr', 'pm')),
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  requester_dept_id INTEGER REFERENCES department(id),
  owner_id INTEGER REFERENCES app_user(id),
  team_id INTEGER REFERENCES wo_team(id),
  worker_id INTEGER REFERENCES app_user(id),
  clock_24h INTEGER NOT NULL DEFAULT 0 CHECK (clock_24h IN (0, 1)),
  accept_target_min INTEGER NOT NULL,
  resolve_target_min INTEGER NOT NULL,
  accept_due_at INTEGER,
  resolve_due_at INTEGER,
  resolve_used_ms INTEGER NOT NULL DEFAULT 0,
  run_started_at INTEGER,
  accept_minutes INTEGER,
  resolve_minutes INTEGER,
  accept_on_time INTEGER,
  resolve_on_time INTEGER,
  reopen_count INTEGER NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),
  accepted_at INTEGER,
  dispatched_at INTEGER,
  started_at INTEGER,
  resolved_at INTEGER,
  confirmed_at INTEGER,
  closed_at INTEGER,
  suspend_reason TEXT,
  resolution_notes TEXT,
  parts TEXT,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment TEXT,
  auto_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (auto_confirmed IN (0, 1)),
  pm_plan_id INTEGER REFERENCES wo_pm_plan(id),
  pm_period INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (pm_plan_id, pm_period)
);
INSERT INTO new_workorder (id, agency_id, code, category_id, location_id, title, description,
    priority, contact_phone, status, source, requester_id, requester_dept_id, owner_id, team_id,
    worker_id, clock_24h, accept_target_min, resolve_target_min, accept_due_at, resolve_due_at,
    resolve_used_ms, run_started_at, accept_minutes, resolve_minutes, accept_on_time,
    resolve_on_time, reopen_count, accepted_at, dispatched_at, started_at, resolved_at,
    confirmed_at, closed_at, suspend_reason, resolution_notes, parts, rating, rating_comment,
    auto_confirmed, pm_plan_id, pm_period, created_at, updated_at, created_by)
  SELECT id, agency_id, code, category_id, location_id, title, description,
    priority, contact_phone, status, source, requester_id, requester_dept_id, owner_id, team_id,
    worker_id, clock_24h, accept_target_min, resolve_target_min, accept_due_at, resolve_due_at,
    resolve_used_ms, run_started_at, accept_minutes, resolve_minutes, accept_on_time,
    resolve_on_time, reopen_count, accepted_at, dispatched_at, started_at, resolved_at,
    confirmed_at, closed_at, suspend_reason, resolution_notes, parts, rating, rating_comment,
    auto_confirmed,
    -- had no REFERENCES before: an id whose plan is gone becomes NULL (not a PM order any more)
    CASE WHEN pm_plan_id IN (SELECT p.id FROM wo_pm_plan p) THEN pm_plan_id END,
    pm_period, created_at, updated_at, created_by
  FROM workorder;
DROP TABLE workorder;	-- also drops its triggers wo_counters_* (0010), made again below
ALTER TABLE new_workorder RENAME TO workorder;
CREATE INDEX workorder_agency_status ON workorder(agency_id, status, created_at);
CREATE INDEX workorder_agency_created ON workorder(agency_id, created_at);
CREATE INDEX workorder_requester ON workorder(requester_id, created_at);
CREATE INDEX workorder_dept ON workorder(requester_dept_id, created_at);
CREATE INDEX workorder_worker ON workorder(worker_id, status);
CREATE INDEX workorder_owner ON workorder(owner_id, status);
CREATE INDEX workorder_accept_due ON workorder(accept_due_at);
CREATE INDEX workorder_resolve_due ON workorder(resolve_due_at);
-- the list filters (workorders.c where_parts: category, team, location), each
-- ending in the default sort column so a page is an index walk that stops early
CREATE INDEX workorder_agency_category ON workorder(agency_id, category_id, created_at);
CREATE INDEX workorder_agency_team ON workorder(agency_id, team_id, created_at);
CREATE INDEX workorder_agency_location ON workorder(agency_id, location_id, created_at);

CREATE TRIGGER wo_counters_insert AFTER INSERT ON workorder BEGIN
  INSERT INTO wo_count (agency_id, status, category_id, n)
    VALUES (NEW.agency_id, NEW.status, NEW.category_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_counters_update AFTER UPDATE ON workorder BEGIN
  UPDATE wo_count SET n = n - 1 WHERE agency_id = OLD.agency_id AND status = OLD.status
    AND category_id = OLD.category_id;
  INSERT INTO wo_count (agency_id, status, category_id, n)
    VALUES (NEW.agency_id, NEW.status, NEW.category_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_counters_delete AFTER DELETE ON workorder BEGIN
  UPDATE wo_count SET n = n - 1 WHERE agency_id = OLD.agency_id AND status = OLD.status
    AND category_id = OLD.category_id;
  INSERT INTO wo_version (agency_id, v) VALUES (OLD.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

-- ---- wo_event ----
CREATE TABLE new_wo_event (
  id INTEGER PRIMARY KEY,
  workorder_id INTEGER NOT NULL REFERENCES workorder(id),
  action TEXT NOT NULL CHECK (action IN ('create', 'accept', 'dispatch', 'start', 'suspend',
    'resume', 'transfer', 'resolve', 'confirm', 'reopen', 'cancel', 'auto_confirm')),
  from_status TEXT CHECK (from_status IN ('submitted', 'accepted', 'dispatched', 'in_progress',
    'suspended', 'resolved', 'confirmed', 'cancelled')),
  to_status TEXT NOT NULL CHECK (to_status IN ('submitted', 'accepted', 'dispatched',
    'in_progress', 'suspended', 'resolved', 'confirmed', 'cancelled')),
  actor_id INTEGER REFERENCES app_user(id),
  note TEXT,
  data TEXT,
  created_at INTEGER NOT NULL
);
INSERT INTO new_wo_event (id, workorder_id, action, from_status, to_status, actor_id, note, data,
                          created_at)
  SELECT id, workorder_id, action, from_status, to_status, actor_id, note, data, created_at
  FROM wo_event;
DROP TABLE wo_event;
ALTER TABLE new_wo_event RENAME TO wo_event;
CREATE INDEX wo_event_order ON wo_event(workorder_id, id);

-- ---- wo_sla_alert ----
CREATE TABLE new_wo_sla_alert (
  id INTEGER PRIMARY KEY,
  workorder_id INTEGER NOT NULL REFERENCES workorder(id),
  kind TEXT NOT NULL CHECK (kind IN ('accept_overdue', 'resolve_overdue', 'accept_escalated',
    'resolve_escalated')),
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (workorder_id, kind, due_at)
);
INSERT INTO new_wo_sla_alert (id, workorder_id, kind, due_at, created_at)
  SELECT id, workorder_id, kind, due_at, created_at FROM wo_sla_alert;
DROP TABLE wo_sla_alert;
ALTER TABLE new_wo_sla_alert RENAME TO wo_sla_alert;
