-- Each agency numbers its own work orders (WO-<date>-NNNN, issue #12): the day's counter
-- wo_code_seq is kept per (agency, day), and a code is unique within its agency. With one
-- counter row per day for the whole database, every create of every agency waited for
-- that row's lock until the previous create committed. wo_code_seq starts empty: each
-- agency's first order of a day finds the day's highest code of that agency.
ALTER TABLE workorder DROP CONSTRAINT workorder_code_key;
ALTER TABLE workorder ADD CONSTRAINT workorder_agency_code UNIQUE (agency_id, code);

DROP TABLE wo_code_seq;
CREATE TABLE wo_code_seq (
  agency_id BIGINT NOT NULL REFERENCES department(id),
  day BIGINT NOT NULL,      -- yyyymmdd, Asia/Shanghai
  last BIGINT NOT NULL,
  PRIMARY KEY (agency_id, day)
);
