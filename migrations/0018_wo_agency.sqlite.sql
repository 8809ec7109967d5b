-- The work-order child tables carry their agency (DESIGN §4: every business
-- row has agency_id, for a plain WHERE and as the shard key): wo_team_member,
-- wo_duty (from their team), wo_sla_target (from its category), wo_event and
-- wo_sla_alert (from their order). Issue #10 item 5. Events, alerts, targets
-- and members are always reached through their order, category or team, so
-- agency_id gets no index of its own there (it would only slow the writes).
--
-- Each table is rebuilt (SQLite cannot add a NOT NULL column with a REFERENCES
-- to an existing one); none has a trigger. db_migrate runs this with foreign
-- keys off and runs PRAGMA foreign_key_check before it commits. On PostgreSQL:
-- ALTER TABLE ... ADD COLUMN agency_id, UPDATE ... FROM the parent, SET NOT NULL.

CREATE TABLE new_wo_team_member (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  team_id INTEGER NOT NULL REFERENCES wo_team(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (team_id, user_id)
);
INSERT INTO new_wo_team_member (agency_id, team_id, user_id)
  SELECT t.agency_id, m.team_id, m.user_id FROM wo_team_member m JOIN wo_team t ON t.id = m.team_id;
DROP TABLE wo_team_member;
ALTER TABLE new_wo_team_member RENAME TO wo_team_member;
CREATE INDEX wo_team_member_user ON wo_team_member(user_id);

CREATE TABLE new_wo_duty (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  team_id INTEGER NOT NULL REFERENCES wo_team(id),
  day INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  UNIQUE (team_id, day)
);
INSERT INTO new_wo_duty (id, agency_id, team_id, day, user_id, created_at, updated_at, created_by)
  SELECT d.id, t.agency_id, d.team_id, d.day, d.user_id, d.created_at, d.updated_at, d.created_by
  FROM wo_duty d JOIN wo_team t ON t.id = d.team_id;
DROP TABLE wo_duty;
ALTER TABLE new_wo_duty RENAME TO wo_duty;
-- the roster view: WHERE agency_id = :agency AND day BETWEEN :from AND :to
CREATE INDEX wo_duty_agency_day ON wo_duty(agency_id, day);

CREATE TABLE new_wo_sla_target (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  category_id INTEGER NOT NULL REFERENCES wo_category(id),
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  accept_min INTEGER NOT NULL CHECK (accept_min > 0),
  resolve_min INTEGER NOT NULL CHECK (resolve_min > 0),
  PRIMARY KEY (category_id, priority)
);
INSERT INTO new_wo_sla_target (agency_id, category_id, priority, accept_min, resolve_min)
  SELECT c.agency_id, s.category_id, s.priority, s.accept_min, s.resolve_min
  FROM wo_sla_target s JOIN wo_category c ON c.id = s.category_id;
DROP TABLE wo_sla_target;
ALTER TABLE new_wo_sla_target RENAME TO wo_sla_target;

CREATE TABLE new_wo_event (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
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
INSERT INTO new_wo_event (id, agency_id, workorder_id, action, from_status, to_status, actor_id,
                          note, data, created_at)
  SELECT e.id, w.agency_id, e.workorder_id, e.action, e.from_status, e.to_status, e.actor_id,
         e.note, e.data, e.created_at
  FROM wo_event e JOIN workorder w ON w.id = e.workorder_id;
DROP TABLE wo_event;
ALTER TABLE new_wo_event RENAME TO wo_event;
CREATE INDEX wo_event_order ON wo_event(workorder_id, id);

CREATE TABLE new_wo_sla_alert (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  workorder_id INTEGER NOT NULL REFERENCES workorder(id),
  kind TEXT NOT NULL CHECK (kind IN ('accept_overdue', 'resolve_overdue', 'accept_escalated',
    'resolve_escalated')),
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (workorder_id, kind, due_at)
);
INSERT INTO new_wo_sla_alert (id, agency_id, workorder_id, kind, due_at, created_at)
  SELECT a.id, w.agency_id, a.workorder_id, a.kind, a.due_at, a.created_at
  FROM wo_sla_alert a JOIN workorder w ON w.id = a.workorder_id;
DROP TABLE wo_sla_alert;
ALTER TABLE new_wo_sla_alert RENAME TO wo_sla_alert;
