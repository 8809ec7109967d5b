-- 办公用品 (issue #16), part K: stocktakes 盘点. The office counts items (scanned by barcode on a
-- phone); the book quantity of each line is recorded at submission; the counts move the ledger
-- only once the stocktake is approved (approval kind 'stocktake'): then each line's
-- stock_adjust (against the balance at that moment) and the movement it made are recorded.
CREATE TABLE stocktake (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- PD2026-0001
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  note TEXT,
  approval_id INTEGER REFERENCES approval(id),
  created_by INTEGER NOT NULL REFERENCES app_user(id),
  decided_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX stocktake_code ON stocktake(agency_id, code);
CREATE INDEX stocktake_status ON stocktake(agency_id, status, created_at);

CREATE TABLE stocktake_line (
  id INTEGER PRIMARY KEY,
  stocktake_id INTEGER NOT NULL REFERENCES stocktake(id),
  item_id INTEGER NOT NULL REFERENCES supply_item(id),
  book_qty INTEGER NOT NULL CHECK (book_qty >= 0),
  counted_qty INTEGER NOT NULL CHECK (counted_qty >= 0),
  adjusted_qty INTEGER,               -- the adjustment made at approval (0: none needed)
  movement_id INTEGER REFERENCES stock_movement(id)
);
CREATE UNIQUE INDEX stocktake_line_item ON stocktake_line(stocktake_id, item_id);
CREATE INDEX stocktake_line_by_item ON stocktake_line(item_id);

CREATE TABLE stocktake_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);
