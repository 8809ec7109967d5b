-- 公务用车 (issue #15), costs: the office's vendors (定点 garages and stations), a vehicle's
-- costs — each spent through the budget engine on the 30231 line of the charged department
-- (budget_line_id, kept so a cost names the line it landed on) — and the fuel-card imports whose
-- lines become fuel costs. Dates are yyyymmdd (Asia/Shanghai), money fen, litres × 100.
CREATE TABLE vehicle_vendor (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('garage', 'station', 'other')),
  designated INTEGER NOT NULL DEFAULT 0 CHECK (designated IN (0, 1)),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX vehicle_vendor_name ON vehicle_vendor(agency_id, name);

-- One card issuer's CSV as imported: its totals; the lines are vehicle_cost rows naming it.
CREATE TABLE fuel_import (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  rows INTEGER NOT NULL CHECK (rows > 0),
  litres_x100 INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX fuel_import_agency ON fuel_import(agency_id, created_at);

-- designated is copied from the vendor when posted (a fuel card's station counts as designated:
-- the card is the channel), so a later change of the vendor does not rewrite history.
CREATE TABLE vehicle_cost (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  vehicle_id INTEGER NOT NULL REFERENCES vehicle(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL CHECK (kind IN ('fuel', 'maintenance', 'repair', 'insurance', 'inspection',
    'toll_parking')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  occurred_on INTEGER NOT NULL,
  vendor_id INTEGER REFERENCES vehicle_vendor(id),
  vendor_name TEXT,
  designated INTEGER NOT NULL DEFAULT 0 CHECK (designated IN (0, 1)),
  reason TEXT,
  note TEXT,
  workorder_id INTEGER REFERENCES workorder(id),
  trip_id INTEGER REFERENCES vehicle_trip(id),
  fuel_import_id INTEGER REFERENCES fuel_import(id),
  litres_x100 INTEGER CHECK (litres_x100 >= 0),
  budget_line_id INTEGER NOT NULL REFERENCES budget_line(id),
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX vehicle_cost_vehicle ON vehicle_cost(agency_id, vehicle_id, occurred_on);
CREATE INDEX vehicle_cost_day ON vehicle_cost(agency_id, occurred_on);
CREATE INDEX vehicle_cost_dept ON vehicle_cost(agency_id, department_id, occurred_on);
CREATE INDEX vehicle_cost_trip ON vehicle_cost(trip_id);
CREATE INDEX vehicle_cost_import ON vehicle_cost(fuel_import_id);
