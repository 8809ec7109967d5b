-- 领用申请 requisitions (issue #16): staff ask for their department (lines of items and
-- quantities), approved through the approval engine (kind requisition), issued by the office
-- through the stock ledger (stock_out, reason issue, the department named on the movement) in
-- one or more goes, then confirmed received by the requester. value_fen is the value at
-- submission (quantity × the item's average cost then), the amount the approval routes by;
-- what was issued is valued by the ledger's own movements.
CREATE TABLE requisition (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- LY2026-0001, per agency and year
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn',
    'issued', 'received', 'cancelled')),
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  reason TEXT,
  value_fen INTEGER NOT NULL CHECK (value_fen >= 0),
  over_quota INTEGER NOT NULL DEFAULT 0,      -- 1: the department's month went over its quota
  approval_id INTEGER REFERENCES approval(id),
  issued_by INTEGER REFERENCES app_user(id),  -- the last issue's
  issued_at INTEGER,
  received_at INTEGER,
  cancel_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX requisition_code ON requisition(agency_id, code);
CREATE INDEX requisition_status ON requisition(agency_id, status, created_at);
CREATE INDEX requisition_requester ON requisition(requester_id, status);
CREATE INDEX requisition_department ON requisition(department_id, status);

-- qty_issued only grows, never past qty: a second issue tops up what the first left.
CREATE TABLE requisition_line (
  id INTEGER PRIMARY KEY,
  requisition_id INTEGER NOT NULL REFERENCES requisition(id),
  seq INTEGER NOT NULL,
  item_id INTEGER NOT NULL REFERENCES supply_item(id),
  qty INTEGER NOT NULL CHECK (qty > 0),
  qty_issued INTEGER NOT NULL DEFAULT 0 CHECK (qty_issued >= 0 AND qty_issued <= qty),
  unit_cost_fen INTEGER NOT NULL DEFAULT 0,   -- the average cost at submission
  reason TEXT
);
CREATE UNIQUE INDEX requisition_line_item ON requisition_line(requisition_id, item_id);
CREATE INDEX requisition_line_by_item ON requisition_line(item_id);

CREATE TABLE requisition_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);

-- 部门领用限额: a department's quota for one (Shanghai) month in fen; no row = no quota.
CREATE TABLE supply_quota (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  quota_fen INTEGER NOT NULL CHECK (quota_fen >= 0),
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES app_user(id)
);
CREATE UNIQUE INDEX supply_quota_month ON supply_quota(department_id, year, month);
CREATE INDEX supply_quota_agency ON supply_quota(agency_id, year, month);
