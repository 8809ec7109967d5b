-- The business calendar per agency (issue #10 item 5). Until now one set of
-- working hours, holidays and confirmations served every agency on the
-- instance, so one agency's office could move another agency's SLA clocks.
-- Every calendar row now carries agency_id; core/calendar.c reads and writes
-- only the acting user's agency.
--
-- Rows with agency_id NULL are the template (not business data): what the
-- software ships, copied into each agency that org_agency_create() makes
-- (cal_agency_init). A database with no agency yet (`houqin migrate` before
-- `init`) keeps the shipped rows there, and its first agency gets them.
--
-- Existing rows are copied to every existing agency (they were shared, so each
-- agency starts with what it saw before), and also kept as the template,
-- unconfirmed: a new agency's office confirms its own year.
--
-- Rebuilt tables (SQLite cannot add a column with a REFERENCES and keep the
-- unique indexes right): nothing references them and they have no triggers.
-- db_migrate runs with foreign keys off and checks them before committing.

CREATE TABLE new_calendar_period (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER REFERENCES department(id),   -- NULL: the template
  start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
  end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
INSERT INTO new_calendar_period (agency_id, start_min, end_min, created_at, updated_at, created_by)
  SELECT NULL, start_min, end_min, created_at, updated_at, NULL FROM calendar_period;
INSERT INTO new_calendar_period (agency_id, start_min, end_min, created_at, updated_at, created_by)
  SELECT d.id, p.start_min, p.end_min, p.created_at, p.updated_at, p.created_by
  FROM department d CROSS JOIN calendar_period p
  WHERE d.parent_id IS NULL AND d.agency_id = d.id;
DROP TABLE calendar_period;
ALTER TABLE new_calendar_period RENAME TO calendar_period;
CREATE INDEX calendar_period_agency ON calendar_period(agency_id, start_min);

CREATE TABLE new_calendar_day (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER REFERENCES department(id),   -- NULL: the template
  ymd INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
INSERT INTO new_calendar_day (agency_id, ymd, kind, name, created_at, updated_at, created_by)
  SELECT NULL, ymd, kind, name, created_at, updated_at, NULL FROM calendar_day;
INSERT INTO new_calendar_day (agency_id, ymd, kind, name, created_at, updated_at, created_by)
  SELECT d.id, c.ymd, c.kind, c.name, c.created_at, c.updated_at, c.created_by
  FROM department d CROSS JOIN calendar_day c
  WHERE d.parent_id IS NULL AND d.agency_id = d.id;
DROP TABLE calendar_day;
ALTER TABLE new_calendar_day RENAME TO calendar_day;
CREATE UNIQUE INDEX calendar_day_ymd ON calendar_day(agency_id, ymd);

CREATE TABLE new_calendar_year (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER REFERENCES department(id),   -- NULL: the template
  year INTEGER NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  source TEXT,
  confirmed_at INTEGER,
  confirmed_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO new_calendar_year (agency_id, year, confirmed, source, confirmed_at, confirmed_by,
                               created_at, updated_at)
  SELECT NULL, year, 0, source, NULL, NULL, created_at, updated_at FROM calendar_year;
INSERT INTO new_calendar_year (agency_id, year, confirmed, source, confirmed_at, confirmed_by,
                               created_at, updated_at)
  SELECT d.id, y.year, y.confirmed, y.source, y.confirmed_at, y.confirmed_by, y.created_at,
         y.updated_at
  FROM department d CROSS JOIN calendar_year y
  WHERE d.parent_id IS NULL AND d.agency_id = d.id;
DROP TABLE calendar_year;
ALTER TABLE new_calendar_year RENAME TO calendar_year;
CREATE UNIQUE INDEX calendar_year_year ON calendar_year(agency_id, year);
