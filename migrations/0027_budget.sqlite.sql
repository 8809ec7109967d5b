-- 经费 (issue #14): expenditure classes, budget lines and the ledger of what each line has
-- committed and spent. Money is integer fen. A line's amount is what was budgeted; every later
-- change (追加/调减, commitments, payments, releases) is a budget_entry row naming its source,
-- so every figure can be traced down to the record that caused it. core/budget.c is the only
-- writer of budget_entry.
CREATE TABLE budget_class (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- 支出经济分类 code, e.g. 30217 公务接待费
  name TEXT NOT NULL,
  sangong INTEGER NOT NULL DEFAULT 0, -- 1: one of the 三公 classes (public disclosure)
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX budget_class_code ON budget_class(agency_id, code);

CREATE TABLE budget_line (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  department_id INTEGER NOT NULL REFERENCES department(id),
  class_id INTEGER NOT NULL REFERENCES budget_class(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  control TEXT NOT NULL CHECK (control IN ('stop', 'warn')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE UNIQUE INDEX budget_line_key ON budget_line(agency_id, year, department_id, class_id);

CREATE TABLE budget_entry (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  line_id INTEGER NOT NULL REFERENCES budget_line(id),
  kind TEXT NOT NULL CHECK (kind IN ('adjust', 'commit', 'spend', 'release')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),  -- only an adjust may be negative
  source_module TEXT,                 -- 'expense_claim', 'purchase', ...
  source_id INTEGER,
  voucher_no TEXT,                    -- 凭证号 (spend)
  payee TEXT,
  occurred_at INTEGER NOT NULL,       -- epoch ms of the event (the period it counts in)
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX budget_entry_line ON budget_entry(line_id);
