-- 经费 adjustments and reminders (issue #14 items 1 and 4). An adjustment (追加 add, 调减 cut,
-- 调剂 transfer from line_id to to_line_id) is requested by finance and approved through the
-- approval engine (kind budget_adjustment); only its final approval writes the 'adjust' rows of
-- budget_entry (core/budget.c), so a line's amount is never edited. amount_fen is positive: the
-- kind says which way it goes.
CREATE TABLE budget_adjustment (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  kind TEXT NOT NULL CHECK (kind IN ('add', 'cut', 'transfer')),
  line_id INTEGER NOT NULL REFERENCES budget_line(id),
  to_line_id INTEGER REFERENCES budget_line(id),  -- transfer only
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  approval_id INTEGER REFERENCES approval(id),
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX budget_adjustment_line ON budget_adjustment(line_id);
CREATE INDEX budget_adjustment_to_line ON budget_adjustment(to_line_id);

-- The module's settings per agency, made on the first save: the mid-year reminder's date
-- (温馨提醒, 'MM-DD' in Asia/Shanghai; '07-01' while unset).
CREATE TABLE budget_setting (
  agency_id INTEGER PRIMARY KEY REFERENCES department(id),
  midyear_reminder TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES app_user(id)
);

-- One row per agency and year once the mid-year reminder went out (written in the job's
-- transaction, so it is sent once a year, also across restarts).
CREATE TABLE budget_reminder (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  recipients INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);
