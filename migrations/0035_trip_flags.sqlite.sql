-- 公务用车 (issue #15 item 4): the supervisor's flags on trip logs and fuel-card refuels. One row
-- per (agency, kind, dedupe): the move that reveals a flag looks for its key first, in its own
-- transaction, and the unique key catches what slips past. evidence is the JSON of the figures
-- that raised it. cost_id is a plain integer: vehicle_cost comes from a later migration (0036).
-- reviewed_at NULL = not yet looked at by the supervisor (核查).
CREATE TABLE trip_flag (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL CHECK (kind IN ('late_return', 'over_distance', 'odometer_gap',
    'off_day_unapproved', 'sealed_movement', 'refuel_no_trip', 'refuel_over_tank')),
  dedupe TEXT NOT NULL,
  vehicle_id INTEGER NOT NULL REFERENCES vehicle(id),
  driver_id INTEGER REFERENCES app_user(id),
  trip_id INTEGER REFERENCES vehicle_trip(id),
  cost_id INTEGER,
  occurred_at INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  reviewed_at INTEGER,
  reviewed_by INTEGER REFERENCES app_user(id),
  review_note TEXT
);
CREATE UNIQUE INDEX trip_flag_key ON trip_flag(agency_id, kind, dedupe);
CREATE INDEX trip_flag_when ON trip_flag(agency_id, occurred_at);
CREATE INDEX trip_flag_vehicle ON trip_flag(vehicle_id, occurred_at);
CREATE INDEX trip_flag_driver ON trip_flag(driver_id, occurred_at);
CREATE INDEX trip_flag_trip ON trip_flag(trip_id);
