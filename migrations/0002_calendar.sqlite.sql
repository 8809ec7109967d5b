-- Business calendar (core/calendar.c): working periods of a day, and the dates
-- that break the Monday-to-Friday rule: public holidays and make-up workdays (调休).
-- Times of day are minutes after local midnight in Asia/Shanghai (UTC+8, no DST).

CREATE TABLE calendar_period (
  id INTEGER PRIMARY KEY,
  start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
  end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);

-- One row per marked local date (ymd = yyyymmdd, e.g. 20261001).
CREATE TABLE calendar_day (
  id INTEGER PRIMARY KEY,
  ymd INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id)
);
CREATE UNIQUE INDEX calendar_day_ymd ON calendar_day(ymd);

-- A year's marked days are `confirmed` once the office has checked them against
-- the State Council notice; `source` says where shipped data came from.
CREATE TABLE calendar_year (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0,
  source TEXT,
  confirmed_at INTEGER,
  confirmed_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendar_year_year ON calendar_year(year);

-- Default working hours 08:30-12:00 and 14:00-17:30. A migration has no portable
-- "now": shipped rows carry 1762185600000 (2025-11-04T00:00+08:00, the notice's date).
INSERT INTO calendar_period (start_min, end_min, created_at, updated_at) VALUES
  (510, 720, 1762185600000, 1762185600000),
  (840, 1050, 1762185600000, 1762185600000);

-- 2026, copied from ../shared/data/cn-holidays-2026.csv. Source: 国务院办公厅关于2026年
-- 部分节假日安排的通知, 2025-11-04 (Xinhua). Shipped unconfirmed (confirmed = 0): the
-- operator checks it and presses 确认本年度安排. No later year is shipped: none was
-- published when this was written, and none is invented.
INSERT INTO calendar_year (year, confirmed, source, created_at, updated_at) VALUES
  (2026, 0, '国务院办公厅关于2026年部分节假日安排的通知（2025-11-04，新华社发布）；随软件提供，请与原文核对后确认', 1762185600000, 1762185600000);
INSERT INTO calendar_day (ymd, kind, name, created_at, updated_at) VALUES
  (20260101, 'holiday', '元旦', 1762185600000, 1762185600000),
  (20260102, 'holiday', '元旦', 1762185600000, 1762185600000),
  (20260103, 'holiday', '元旦', 1762185600000, 1762185600000),
  (20260104, 'workday', '元旦调休上班', 1762185600000, 1762185600000),
  (20260214, 'workday', '春节调休上班', 1762185600000, 1762185600000),
  (20260215, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260216, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260217, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260218, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260219, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260220, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260221, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260222, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260223, 'holiday', '春节', 1762185600000, 1762185600000),
  (20260228, 'workday', '春节调休上班', 1762185600000, 1762185600000),
  (20260404, 'holiday', '清明节', 1762185600000, 1762185600000),
  (20260405, 'holiday', '清明节', 1762185600000, 1762185600000),
  (20260406, 'holiday', '清明节', 1762185600000, 1762185600000),
  (20260501, 'holiday', '劳动节', 1762185600000, 1762185600000),
  (20260502, 'holiday', '劳动节', 1762185600000, 1762185600000),
  (20260503, 'holiday', '劳动节', 1762185600000, 1762185600000),
  (20260504, 'holiday', '劳动节', 1762185600000, 1762185600000),
  (20260505, 'holiday', '劳动节', 1762185600000, 1762185600000),
  (20260509, 'workday', '劳动节调休上班', 1762185600000, 1762185600000),
  (20260619, 'holiday', '端午节', 1762185600000, 1762185600000),
  (20260620, 'holiday', '端午节', 1762185600000, 1762185600000),
  (20260621, 'holiday', '端午节', 1762185600000, 1762185600000),
  (20260920, 'workday', '国庆节调休上班', 1762185600000, 1762185600000),
  (20260925, 'holiday', '中秋节', 1762185600000, 1762185600000),
  (20260926, 'holiday', '中秋节', 1762185600000, 1762185600000),
  (20260927, 'holiday', '中秋节', 1762185600000, 1762185600000),
  (20261001, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261002, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261003, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261004, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261005, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261006, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261007, 'holiday', '国庆节', 1762185600000, 1762185600000),
  (20261010, 'workday', '国庆节调休上班', 1762185600000, 1762185600000);
