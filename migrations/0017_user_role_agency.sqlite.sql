-- user_role carries the agency of its user (DESIGN §4: every business row has
-- agency_id, for a plain WHERE and as the shard key), so "who holds role X in
-- agency A" is one index range. Issue #10 item 5. The CHECK on role is the one
-- 0016 added. Rebuilt as in 0016 (db_migrate: foreign keys off, checked before
-- commit); on PostgreSQL: ADD COLUMN, UPDATE ... FROM app_user, SET NOT NULL.
CREATE TABLE new_user_role (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  role TEXT NOT NULL CHECK (role IN ('staff', 'dept_head', 'office', 'worker', 'leader',
    'finance', 'supervisor', 'sysadmin', 'secadmin', 'auditor')),
  PRIMARY KEY (user_id, role)
);
INSERT INTO new_user_role (agency_id, user_id, role)
  SELECT u.agency_id, r.user_id, r.role FROM user_role r JOIN app_user u ON u.id = r.user_id;
DROP TABLE user_role;
ALTER TABLE new_user_role RENAME TO user_role;
CREATE INDEX user_role_role ON user_role(role, user_id);
CREATE INDEX user_role_agency ON user_role(agency_id, role);
