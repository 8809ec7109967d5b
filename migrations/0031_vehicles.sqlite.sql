-- 公务用车 (issue #15), first slice: the booking core (core/booking.h) and the vehicle registry.
-- booking_resource is the lock row of one bookable resource (a vehicle, a driver, later a room):
-- booking_reserve locks it before it looks for conflicts, so two reservations of one resource
-- queue up instead of both seeing "free". Created on first use.
CREATE TABLE booking_resource (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (agency_id, kind, id)
);

-- A booking holds [start_ms, end_ms) of a resource for an owner record (module, id): a 'hold'
-- lapses at hold_until; 'cancelled' is kept for the owner's history and blocks nothing.
CREATE TABLE booking (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  res_kind TEXT NOT NULL,
  res_id INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('hold', 'confirmed', 'cancelled')),
  hold_until INTEGER,
  owner_module TEXT NOT NULL,
  owner_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  CHECK (end_ms > start_ms)
);
-- The conflict lookup: one resource's bookings by start.
CREATE INDEX booking_res ON booking(agency_id, res_kind, res_id, start_ms);
CREATE INDEX booking_owner ON booking(owner_module, owner_id);

-- 车辆: department_id NULL = the shared pool 车辆池. Dates are yyyymmdd (Asia/Shanghai).
CREATE TABLE vehicle (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  plate TEXT NOT NULL,
  brand TEXT NOT NULL,
  model TEXT NOT NULL,
  seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 60),
  type TEXT NOT NULL CHECK (type IN ('sedan', 'business', 'suv', 'bus')),
  energy TEXT NOT NULL CHECK (energy IN ('petrol', 'diesel', 'electric')),
  tank_litres INTEGER,
  battery_kwh INTEGER,
  department_id INTEGER REFERENCES department(id),
  status TEXT NOT NULL
    CHECK (status IN ('available', 'in_use', 'maintenance', 'sealed', 'retired')),
  odometer_km INTEGER NOT NULL DEFAULT 0 CHECK (odometer_km >= 0),
  insurance_expiry INTEGER,
  inspection_due INTEGER,
  purchase_date INTEGER,
  price_fen INTEGER CHECK (price_fen >= 0),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE UNIQUE INDEX vehicle_plate ON vehicle(agency_id, plate);
CREATE INDEX vehicle_status ON vehicle(agency_id, status);

-- 驾驶员: a worker with a licence. licence_expiry yyyymmdd.
CREATE TABLE driver_profile (
  user_id INTEGER PRIMARY KEY REFERENCES app_user(id),
  agency_id INTEGER NOT NULL REFERENCES department(id),
  licence_class TEXT NOT NULL CHECK (licence_class IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  licence_expiry INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX driver_profile_agency ON driver_profile(agency_id);

-- The office's reminders before insurance, 年审 or a driver's licence expire (30, 7 and 1 days
-- before): a row per (subject, its due date, lead) sent, so a reminder never goes out twice,
-- also after a restart; a renewed date is a new due date and starts over.
CREATE TABLE vehicle_reminder (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  subject TEXT NOT NULL CHECK (subject IN ('insurance', 'inspection', 'licence')),
  subject_id INTEGER NOT NULL,
  due_date INTEGER NOT NULL,
  lead_days INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (agency_id, subject, subject_id, due_date, lead_days)
);
