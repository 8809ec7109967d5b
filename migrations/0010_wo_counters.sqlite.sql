-- Counters kept beside the work orders so hot paths stop scanning them
-- (issue #5, measured at 1M orders).

-- A list's total under the usual filters (status, category) is a few rows
-- read, not a COUNT(*) over every matching order (1 s at 1M orders).
CREATE TABLE wo_count (
  agency_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  category_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agency_id, status, category_id)
) WITHOUT ROWID;

INSERT INTO wo_count (agency_id, status, category_id, n)
  SELECT agency_id, status, category_id, COUNT(*) FROM workorder GROUP BY 1, 2, 3;

-- Each local day's last code number (WO-<day>-NNNN): creating an order
-- scanned all of the day's codes for their highest number.
CREATE TABLE wo_code_seq (
  day INTEGER PRIMARY KEY,  -- yyyymmdd, Asia/Shanghai
  last INTEGER NOT NULL
);

-- Bumped by every change that can alter the figures of GET
-- /workorders/stats (orders, and the names the groups show): a kept
-- result is served only while its agency's version is unchanged.
CREATE TABLE wo_version (
  agency_id INTEGER PRIMARY KEY,
  v INTEGER NOT NULL
);

CREATE TRIGGER wo_counters_insert AFTER INSERT ON workorder BEGIN
  INSERT INTO wo_count (agency_id, status, category_id, n)
    VALUES (NEW.agency_id, NEW.status, NEW.category_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_counters_update AFTER UPDATE ON workorder BEGIN
  UPDATE wo_count SET n = n - 1 WHERE agency_id = OLD.agency_id AND status = OLD.status
    AND category_id = OLD.category_id;
  INSERT INTO wo_count (agency_id, status, category_id, n)
    VALUES (NEW.agency_id, NEW.status, NEW.category_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_counters_delete AFTER DELETE ON workorder BEGIN
  UPDATE wo_count SET n = n - 1 WHERE agency_id = OLD.agency_id AND status = OLD.status
    AND category_id = OLD.category_id;
  INSERT INTO wo_version (agency_id, v) VALUES (OLD.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_version_category AFTER UPDATE OF name ON wo_category BEGIN
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_version_team AFTER UPDATE OF name ON wo_team BEGIN
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_version_location AFTER UPDATE OF name, parent_id ON location BEGIN
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER wo_version_user AFTER UPDATE OF display_name ON app_user BEGIN
  INSERT INTO wo_version (agency_id, v) VALUES (NEW.agency_id, 1)
    ON CONFLICT DO UPDATE SET v = v + 1;
END;
