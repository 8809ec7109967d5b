-- 用车申请 trips (issue #15): requested by anyone for their department, approved through the
-- approval engine (kind vehicle_trip), dispatched by the office onto a vehicle and a driver through
-- core/booking.h (one booking each, ids kept here so a re-dispatch or a cancel moves them), then
-- driven and logged (odometer, fuel, tolls and parking in fen). vehicle_id and the booking ids are
-- plain integers: the vehicle and booking tables come from a migration written alongside this one
-- (0031), so they are checked by the code, not by foreign keys this slice.
CREATE TABLE vehicle_trip (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- YC2026-0001, per agency and year
  status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'dispatched',
    'on_trip', 'returned', 'closed', 'cancelled')),
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  purpose TEXT NOT NULL,
  destination TEXT NOT NULL,
  out_of_city INTEGER NOT NULL DEFAULT 0,
  passengers INTEGER NOT NULL CHECK (passengers >= 1),
  passenger_names TEXT,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  est_km INTEGER NOT NULL DEFAULT 0,
  approval_id INTEGER REFERENCES approval(id),
  vehicle_id INTEGER,
  driver_id INTEGER REFERENCES app_user(id),
  vehicle_booking_id INTEGER,
  driver_booking_id INTEGER,
  dispatched_by INTEGER REFERENCES app_user(id),
  dispatched_at INTEGER,
  depart_at INTEGER,
  depart_km INTEGER,
  return_at INTEGER,
  return_km INTEGER,
  fuel_litres_x100 INTEGER,
  tolls_fen INTEGER,
  parking_fen INTEGER,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment TEXT,
  cancel_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX vehicle_trip_code ON vehicle_trip(agency_id, code);
CREATE INDEX vehicle_trip_status ON vehicle_trip(agency_id, status, start_at);
CREATE INDEX vehicle_trip_requester ON vehicle_trip(requester_id, status);
CREATE INDEX vehicle_trip_department ON vehicle_trip(department_id, status);
CREATE INDEX vehicle_trip_driver ON vehicle_trip(driver_id, status);
CREATE INDEX vehicle_trip_vehicle ON vehicle_trip(vehicle_id, start_at);

CREATE TABLE vehicle_trip_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);
