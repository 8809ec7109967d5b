-- 节假日封存 (issue #15 item 3): the office seals vehicles from a date to a date (yyyymmdd,
-- Asia/Shanghai, both days included; one row per vehicle). A seal in force (lifted_at NULL) keeps
-- the vehicle out of dispatch for a trip touching any of its days unless a leader approved an
-- override for that trip and vehicle (approval kind vehicle_seal_override). Lifting ends a seal
-- early and is kept for the record.
CREATE TABLE vehicle_seal (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  vehicle_id INTEGER NOT NULL REFERENCES vehicle(id),
  from_date INTEGER NOT NULL,
  to_date INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  lifted_at INTEGER,
  lifted_by INTEGER REFERENCES app_user(id),
  lift_reason TEXT,
  CHECK (to_date >= from_date)
);
-- dispatch's and availability's lookup: one vehicle's seals by their last day
CREATE INDEX vehicle_seal_vehicle ON vehicle_seal(vehicle_id, to_date);
CREATE INDEX vehicle_seal_agency ON vehicle_seal(agency_id, from_date);

-- A leader's leave to dispatch one trip onto one sealed vehicle, asked by the office.
CREATE TABLE vehicle_seal_override (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  trip_id INTEGER NOT NULL REFERENCES vehicle_trip(id),
  vehicle_id INTEGER NOT NULL REFERENCES vehicle(id),
  approval_id INTEGER NOT NULL REFERENCES approval(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  reason TEXT NOT NULL,
  requested_by INTEGER NOT NULL REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX vehicle_seal_override_trip ON vehicle_seal_override(trip_id, vehicle_id);
CREATE UNIQUE INDEX vehicle_seal_override_approval ON vehicle_seal_override(approval_id);
