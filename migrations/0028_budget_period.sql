-- 经费 periods (issue #14): finance closes a month (结账); the engine then refuses any ledger row
-- dated in it (422 period_closed), and the public 三公经费 disclosure shows only closed months.
-- period is yyyymm in Asia/Shanghai, e.g. 202609. A row exists only for a closed month.
CREATE TABLE budget_period (
  agency_id BIGINT NOT NULL REFERENCES department(id),
  period INTEGER NOT NULL,
  closed_at BIGINT NOT NULL,
  closed_by BIGINT REFERENCES app_user(id),
  PRIMARY KEY (agency_id, period)
);
