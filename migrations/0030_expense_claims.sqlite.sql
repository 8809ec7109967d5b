-- 报销单 expense claims (issue #14): a claim is items by expenditure class against the claimant's
-- department's budget lines, approved through the approval engine (kind expense_claim), committed
-- at the final approval and spent at payment through core/budget.c (source 'expense_claim', id).
-- Its invoice photos are attachments owned by ('expense_claim', id) (core/files.h), so no link
-- table. Dates (trip, paid_on) are yyyymmdd in Asia/Shanghai; money integer fen.
CREATE TABLE expense_claim (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- BX2026-0001, per agency and year
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'paid')),
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,              -- the budget year its lines belong to
  total_fen INTEGER NOT NULL CHECK (total_fen > 0),
  over_standard_fen INTEGER NOT NULL DEFAULT 0,
  over_reason TEXT,
  trip_city TEXT,                     -- NULL: no 差旅费 item
  trip_rank TEXT,
  trip_start INTEGER,
  trip_end INTEGER,
  approval_id INTEGER REFERENCES approval(id),
  voucher_no TEXT,
  paid_on INTEGER,
  paid_by INTEGER REFERENCES app_user(id),
  paid_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX expense_claim_code ON expense_claim(agency_id, code);
CREATE INDEX expense_claim_status ON expense_claim(agency_id, status, created_at);
CREATE INDEX expense_claim_requester ON expense_claim(requester_id, status);
CREATE INDEX expense_claim_department ON expense_claim(department_id, status);

CREATE TABLE expense_claim_item (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES expense_claim(id),
  seq INTEGER NOT NULL,
  line_id INTEGER NOT NULL REFERENCES budget_line(id),
  kind TEXT,                          -- 差旅费 only: lodging | meals | transport | fare | other
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  description TEXT NOT NULL,
  standard_fen INTEGER,               -- the cap it was checked against; NULL: none
  over_fen INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX expense_claim_item_seq ON expense_claim_item(claim_id, seq);

CREATE TABLE expense_claim_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);

-- 差旅标准: per agency, city ('*' = any other city) and rank, valid from a date.
CREATE TABLE travel_standard (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  city TEXT NOT NULL,
  rank TEXT NOT NULL CHECK (rank IN ('minister', 'bureau', 'other')),
  lodging_fen INTEGER NOT NULL CHECK (lodging_fen >= 0),   -- cap per night
  meal_fen INTEGER NOT NULL CHECK (meal_fen >= 0),         -- 伙食补助 per day
  transport_fen INTEGER NOT NULL CHECK (transport_fen >= 0), -- 市内交通 per day
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,                   -- inclusive; NULL: open
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE INDEX travel_standard_key ON travel_standard(agency_id, city, rank);
