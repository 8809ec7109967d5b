-- 公务用车 (issue #15): the fleet's settings, one row per agency, made on the first save
-- (defaults apply until then): the gap kept between two trips of one vehicle or driver, and the
-- department that bears a pool vehicle's costs (车辆池 vehicles have no department of their own).
CREATE TABLE vehicle_setting (
  agency_id BIGINT PRIMARY KEY REFERENCES department(id),
  buffer_min INTEGER NOT NULL DEFAULT 30 CHECK (buffer_min BETWEEN 0 AND 240),
  pool_department_id BIGINT REFERENCES department(id),
  updated_at BIGINT NOT NULL,
  updated_by BIGINT REFERENCES app_user(id)
);
