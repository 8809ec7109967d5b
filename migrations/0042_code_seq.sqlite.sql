-- One counter table for the running numbers of every record code (core/codes.h): the six
-- per-flow tables (trips YC, claims BX, stocktakes PD, requisitions LY, purchase orders CG per
-- year; work orders WO per day) move into code_seq under their series, so an upgraded database
-- carries on from the numbers already given, and the old tables go.
CREATE TABLE code_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  series TEXT NOT NULL,     -- the code's prefix: YC, BX, PD, LY, CG, WO
  period INTEGER NOT NULL,  -- a year (2026), or for WO a Shanghai day (20261203)
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, series, period)
);

INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'YC', year, last FROM vehicle_trip_seq;
INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'BX', year, last FROM expense_claim_seq;
INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'PD', year, last FROM stocktake_seq;
INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'LY', year, last FROM requisition_seq;
INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'CG', year, last FROM purchase_order_seq;
INSERT INTO code_seq (agency_id, series, period, last)
  SELECT agency_id, 'WO', day, last FROM wo_code_seq;

DROP TABLE vehicle_trip_seq;
DROP TABLE expense_claim_seq;
DROP TABLE stocktake_seq;
DROP TABLE requisition_seq;
DROP TABLE purchase_order_seq;
DROP TABLE wo_code_seq;
