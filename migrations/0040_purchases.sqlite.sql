-- 采购 (issue #16, part P): purchase orders of the office, approved by amount through the
-- approval engine (kind purchase_order), committed on the creator's department's budget line of
-- the order's class (30201 办公费 | 30218 专用材料费) at the final approval and spent at receipt
-- (core/budget.c, source 'purchase_order', id). The three quotes 三家比价 are attachments owned by
-- ('purchase_order', id) (core/files.h), so no link table. At receipt the people who bought
-- (purchaser) and the one who accepted the goods (acceptor) are rows of purchase_receipt_person:
-- the two-person rule and the separation of duties are checked against them.
CREATE TABLE purchase_order (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  code TEXT NOT NULL,                 -- CG2026-0001, per agency and year
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn',
                                         'received', 'closed', 'cancelled')),
  requester_id INTEGER NOT NULL REFERENCES app_user(id),
  department_id INTEGER NOT NULL REFERENCES department(id),
  supplier_id INTEGER NOT NULL REFERENCES supplier(id),
  class_code TEXT NOT NULL CHECK (class_code IN ('30201', '30218')),
  line_id INTEGER NOT NULL REFERENCES budget_line(id),
  total_fen INTEGER NOT NULL CHECK (total_fen > 0),
  reason TEXT,
  approval_id INTEGER REFERENCES approval(id),
  invoice_no TEXT,
  received_fen INTEGER NOT NULL DEFAULT 0,   -- the value received (spent on the line)
  received_at INTEGER,
  received_by INTEGER REFERENCES app_user(id),
  acceptor_id INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX purchase_order_code ON purchase_order(agency_id, code);
CREATE INDEX purchase_order_status ON purchase_order(agency_id, status, created_at);
CREATE INDEX purchase_order_supplier ON purchase_order(supplier_id, created_at);

CREATE TABLE purchase_order_line (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES purchase_order(id),
  seq INTEGER NOT NULL,
  item_id INTEGER NOT NULL REFERENCES supply_item(id),
  qty INTEGER NOT NULL CHECK (qty > 0),
  unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
  received_qty INTEGER NOT NULL DEFAULT 0 CHECK (received_qty >= 0 AND received_qty <= qty),
  received_price_fen INTEGER CHECK (received_price_fen IS NULL OR received_price_fen >= 0)
);
CREATE UNIQUE INDEX purchase_order_line_seq ON purchase_order_line(order_id, seq);
CREATE UNIQUE INDEX purchase_order_line_item ON purchase_order_line(order_id, item_id);

CREATE TABLE purchase_receipt_person (
  order_id INTEGER NOT NULL REFERENCES purchase_order(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  role TEXT NOT NULL CHECK (role IN ('purchaser', 'acceptor')),
  PRIMARY KEY (order_id, user_id, role)
);

CREATE TABLE purchase_order_seq (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  year INTEGER NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (agency_id, year)
);
