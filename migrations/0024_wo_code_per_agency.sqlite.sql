-- Each agency numbers its own work orders (WO-<date>-NNNN, issue #12): the day's counter
-- wo_code_seq is kept per (agency, day), and a code is unique within its agency. With one
-- counter row per day for the whole database, every create of every agency on PostgreSQL
-- waited for that row's lock until the previous create committed.
--
-- SQLite cannot drop the column's UNIQUE, so workorder is rebuilt (foreign keys off,
-- PRAGMA foreign_key_check before the commit: db_migrate), with its indexes and the
-- counter triggers of 0010/0016 as they were. wo_code_seq starts empty: each agency's
-- first order of a day finds the day's highest code of that agency (wo_code_reserve).
CREATE TABLE new_workorder (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,
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
  UNIQUE (pm_plan_id, pm_period),
  UNIQUE (agency_id, code)
);

INSERT INTO new_workorder (
  id, agency_id, code, category_id, location_id, title, description, priority, contact_phone,
  status, source, requester_id, requester_dept_id, owner_id, team_id, worker_id, clock_24h,
  accept_target_min, resolve_target_min, accept_due_at, resolve_due_at, resolve_used_ms,
  run_started_at, accept_minutes, resolve_minutes, accept_on_time, resolve_on_time,
  reopen_count, accepted_at, dispatched_at, started_at, resolved_at, confirmed_at, closed_at,
  suspend_reason, resolution_notes, parts, rating, rating_comment, auto_confirmed, pm_plan_id,
  pm_period, created_at, updated_at, created_by)
SELECT
  id, agency_id, code, category_id, location_id, title, description, priority, contact_phone,
  status, source, requester_id, requester_dept_id, owner_id, team_id, worker_id, clock_24h,
  accept_target_min, resolve_target_min, accept_due_at, resolve_due_at, resolve_used_ms,
  run_started_at, accept_minutes, resolve_minutes, accept_on_time, resolve_on_time,
  reopen_count, accepted_at, dispatched_at, started_at, resolved_at, confirmed_at, closed_at,
  suspend_reason, resolution_notes, parts, rating, rating_comment, auto_confirmed, pm_plan_id,
  pm_period, created_at, updated_at, created_by
FROM workorder;
DROP TABLE workorder;
ALTER TABLE new_workorder RENAME TO workorder;
CREATE INDEX workorder_agency_status ON workorder(agency_id, status, created_at);
CREATE INDEX workorder_agency_created ON workorder(agency_id, created_at);
CREATE INDEX workorder_requester ON workorder(requester_id, created_at);
CREATE INDEX workorder_dept ON workorder(requester_dept_id, created_at);
CREATE INDEX workorder_worker ON workorder(worker_id, status);
CREATE INDEX workorder_owner ON workorder(owner_id, status);
CREATE INDEX workorder_accept_due ON workorder(accept_due_at);
CREATE INDEX workorder_resolve_due ON workorder(resolve_due_at);
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

DROP TABLE wo_code_seq;
CREATE TABLE wo_code_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  day INTEGER NOT NULL,     -- yyyymmdd, Asia/Shanghai
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, day)
);
