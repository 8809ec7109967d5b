-- 办公用品 (issue #16), first part: the catalog (items, suppliers) and the stock ledger 出入库台账.
-- An item carries its balance: quantity on hand and the value of that stock in fen (moving
-- weighted average: an issue takes its share of the value, the last unit takes all that is left,
-- so the value never drifts from the movements). Every movement is a row with the balance after
-- it; the item row is locked (FOR UPDATE) before a movement is computed, and the CHECKs are the
-- last guard: a balance can never go below zero.
CREATE TABLE supply_item (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  spec TEXT,
  unit TEXT NOT NULL,                 -- 个 / 支 / 包 / 箱 ...
  category TEXT NOT NULL,
  reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  max_stock INTEGER CHECK (max_stock IS NULL OR max_stock > 0),
  barcode TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  qty_on_hand INTEGER NOT NULL DEFAULT 0 CHECK (qty_on_hand >= 0),
  stock_value_fen INTEGER NOT NULL DEFAULT 0 CHECK (stock_value_fen >= 0),
  last_cost_fen INTEGER NOT NULL DEFAULT 0,   -- the last receipt's unit price (a count found on an empty shelf)
  low_alerted INTEGER NOT NULL DEFAULT 0,     -- 1 once the office was told it fell to the reorder point
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  CHECK (qty_on_hand > 0 OR stock_value_fen = 0)
);
CREATE UNIQUE INDEX supply_item_code ON supply_item(agency_id, code);
CREATE UNIQUE INDEX supply_item_barcode ON supply_item(agency_id, barcode) WHERE barcode IS NOT NULL;
CREATE INDEX supply_item_category ON supply_item(agency_id, category);

-- 供应商: credit_code is the 18-character 统一社会信用代码 (check digit verified by the code).
CREATE TABLE supplier (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  name TEXT NOT NULL,
  contact TEXT,
  phone TEXT,
  credit_code TEXT NOT NULL,
  designated INTEGER NOT NULL DEFAULT 0,      -- 定点供应商
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE UNIQUE INDEX supplier_credit_code ON supplier(agency_id, credit_code);

-- A movement: qty and amount_fen signed (+ in, - out), the balance after it. reason says why:
-- in: purchase | return; out: issue | scrap | loss; adjust: stocktake. source_* name the record
-- that caused it (a purchase order's receipt, a requisition, a stocktake); department_id the
-- department an issue went to (consumption reports).
CREATE TABLE stock_movement (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  item_id INTEGER NOT NULL REFERENCES supply_item(id),
  kind TEXT NOT NULL CHECK (kind IN ('in', 'out', 'adjust')),
  reason TEXT NOT NULL CHECK (reason IN ('purchase', 'return', 'issue', 'scrap', 'loss', 'stocktake')),
  qty INTEGER NOT NULL CHECK (qty <> 0),
  unit_cost_fen INTEGER NOT NULL CHECK (unit_cost_fen >= 0),
  amount_fen INTEGER NOT NULL,
  balance_qty INTEGER NOT NULL CHECK (balance_qty >= 0),
  balance_value_fen INTEGER NOT NULL CHECK (balance_value_fen >= 0),
  source_module TEXT,
  source_id INTEGER,
  department_id INTEGER REFERENCES department(id),
  note TEXT,
  occurred_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE INDEX stock_movement_item ON stock_movement(item_id, occurred_at);
CREATE INDEX stock_movement_agency ON stock_movement(agency_id, occurred_at);
CREATE INDEX stock_movement_source ON stock_movement(source_module, source_id);
CREATE INDEX stock_movement_department ON stock_movement(department_id, occurred_at);
