-- Agency settings (issue #13 item 6), one row per agency, made on its first save. The first
-- is the public base URL printed in QR labels (https://houqin.example.gov.cn): the Host header
-- of whoever printed a label was often 127.0.0.1 or an intranet name a phone cannot reach.
-- NULL while unset: the QR falls back to the Host and the label page warns.
CREATE TABLE agency_setting (
  agency_id INTEGER PRIMARY KEY REFERENCES department(id),
  public_base_url TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES app_user(id)
);
