-- 报修与服务请求: categories with SLA targets, teams and their duty roster,
-- work orders with their timeline, SLA alerts already sent, preventive
-- maintenance plans. Locations live in 0007_locations.sql (shared).

CREATE TABLE wo_team (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (agency_id, name)
);

CREATE TABLE wo_team_member (
  team_id INTEGER NOT NULL REFERENCES wo_team(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX wo_team_member_user ON wo_team_member(user_id);

-- 值班表: one worker on duty per team and local date (yyyymmdd).
CREATE TABLE wo_duty (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES wo_team(id),
  day INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (team_id, day)
);

CREATE TABLE wo_category (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  name TEXT NOT NULL,
  default_team_id INTEGER REFERENCES wo_team(id),
  safety INTEGER NOT NULL DEFAULT 0,        -- safety categories run on a 24-hour clock
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (agency_id, name)
);

-- SLA targets in minutes: business minutes, or clock minutes for the urgent
-- priority and safety categories.
CREATE TABLE wo_sla_target (
  category_id INTEGER NOT NULL REFERENCES wo_category(id),
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  accept_min INTEGER NOT NULL CHECK (accept_min > 0),
  resolve_min INTEGER NOT NULL CHECK (resolve_min > 0),
  PRIMARY KEY (category_id, priority)
);

CREATE TABLE workorder (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL UNIQUE,                -- WO-20261123-0001
  category_id INTEGER NOT NULL REFERENCES wo_category(id),
  location_id INTEGER NOT NULL REFERENCES location(id),
  title TEXT NOT NULL,
  description TEXT,
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  contact_phone TEXT,
  status TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'web',       -- web | qr | pm
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  requester_dept_id INTEGER REFERENCES department(id),
  owner_id INTEGER REFERENCES app_user(id), -- 首问负责人: who accepted it
  team_id INTEGER REFERENCES wo_team(id),
  worker_id INTEGER REFERENCES app_user(id),
  -- SLA: targets copied at creation (later edits of the category do not move them)
  clock_24h INTEGER NOT NULL DEFAULT 0,
  accept_target_min INTEGER NOT NULL,
  resolve_target_min INTEGER NOT NULL,
  accept_due_at INTEGER,                    -- NULL once accepted
  resolve_due_at INTEGER,                   -- NULL while the clock is stopped
  resolve_used_ms INTEGER NOT NULL DEFAULT 0,  -- clock time used before run_started_at
  run_started_at INTEGER,                   -- start of the running interval, NULL when stopped
  -- measured figures (KPIs), in the order's own clock minutes
  accept_minutes INTEGER,
  resolve_minutes INTEGER,
  accept_on_time INTEGER,
  resolve_on_time INTEGER,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER,
  dispatched_at INTEGER,
  started_at INTEGER,
  resolved_at INTEGER,
  confirmed_at INTEGER,
  closed_at INTEGER,                        -- confirmed or cancelled
  suspend_reason TEXT,
  resolution_notes TEXT,
  parts TEXT,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment TEXT,
  auto_confirmed INTEGER NOT NULL DEFAULT 0,
  pm_plan_id INTEGER,
  pm_period INTEGER,                        -- yyyymmdd the plan's occurrence is due
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (pm_plan_id, pm_period)
);
CREATE INDEX workorder_agency_status ON workorder(agency_id, status, created_at);
CREATE INDEX workorder_agency_created ON workorder(agency_id, created_at);
CREATE INDEX workorder_requester ON workorder(requester_id, created_at);
CREATE INDEX workorder_dept ON workorder(requester_dept_id, created_at);
CREATE INDEX workorder_worker ON workorder(worker_id, status);
CREATE INDEX workorder_owner ON workorder(owner_id, status);
CREATE INDEX workorder_accept_due ON workorder(accept_due_at);
CREATE INDEX workorder_resolve_due ON workorder(resolve_due_at);

-- The timeline: one row per transition (and per creation).
CREATE TABLE wo_event (
  id INTEGER PRIMARY KEY,
  workorder_id INTEGER NOT NULL REFERENCES workorder(id),
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor_id INTEGER REFERENCES app_user(id), -- NULL for the system (auto-confirm, PM)
  note TEXT,
  data TEXT,                                -- JSON: worker, team, rating, parts ...
  created_at INTEGER NOT NULL
);
CREATE INDEX wo_event_order ON wo_event(workorder_id, id);

-- Alerts the SLA watch has sent: the UNIQUE key makes a second send impossible,
-- also across restarts; due_at is part of it so a new deadline alerts anew.
CREATE TABLE wo_sla_alert (
  id INTEGER PRIMARY KEY,
  workorder_id INTEGER NOT NULL REFERENCES workorder(id),
  kind TEXT NOT NULL,                       -- accept_overdue | resolve_overdue | accept_escalated | resolve_escalated
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (workorder_id, kind, due_at)
);

-- 预防性维护 plans: every `every` units (day|week|month) from start_date.
CREATE TABLE wo_pm_plan (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  name TEXT NOT NULL,
  category_id INTEGER NOT NULL REFERENCES wo_category(id),
  location_id INTEGER NOT NULL REFERENCES location(id),
  team_id INTEGER REFERENCES wo_team(id),
  title TEXT NOT NULL,
  description TEXT,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  unit TEXT NOT NULL CHECK (unit IN ('day', 'week', 'month')),
  every INTEGER NOT NULL CHECK (every BETWEEN 1 AND 366),
  start_date INTEGER NOT NULL,              -- yyyymmdd: the first occurrence
  lead_days INTEGER NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 90),
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
