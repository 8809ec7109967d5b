-- Login throttling without lockout (issue #11): one row per failed login or
-- wrong old_password, by the name tried (known or not) and the source IP.
-- Rows older than a day are pruned by the writes that add them.
CREATE TABLE login_failure (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  ip TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX login_failure_pair ON login_failure(username, ip, at);
CREATE INDEX login_failure_ip ON login_failure(ip, at);
CREATE INDEX login_failure_name ON login_failure(username, at);
CREATE INDEX login_failure_at ON login_failure(at);

-- Hashes of a user's earlier passwords, so a change cannot go back to one.
CREATE TABLE password_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

-- The owner's usual addresses: successful logins by user, source and time.
CREATE INDEX session_user_ip ON session(user_id, ip, created_at);
