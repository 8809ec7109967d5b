-- Locations shared by every module (报修, assets, meetings ...): a tree of
-- building -> floor -> room per agency. Each node has a QR label whose URL
-- opens the phone submit form with the location filled in.
CREATE TABLE location (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  parent_id INTEGER REFERENCES location(id),  -- NULL for a building
  kind TEXT NOT NULL CHECK (kind IN ('building', 'floor', 'room')),
  name TEXT NOT NULL,
  code TEXT,                                   -- e.g. A-3-301, unique per agency when set
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE INDEX location_parent ON location(agency_id, parent_id);
CREATE UNIQUE INDEX location_code ON location(agency_id, code);
