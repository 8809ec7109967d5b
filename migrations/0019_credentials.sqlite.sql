-- Credential life cycle (issue #11 item 2). must_change_password: set by an
-- administrator's password reset (a one-time password); while it is set the
-- session may only read /me, change the password or log out. api_token.expires_at:
-- tokens die on their own (default 90 days, at most a year); tokens made before
-- this migration get created_at + 90 days. last_used_at is refreshed at most
-- once a minute. api_token_user: list and revoke a user's tokens.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK (must_change_password IN (0, 1));
ALTER TABLE api_token ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_token SET expires_at = created_at + 90 * 86400000 WHERE expires_at = 0;
CREATE INDEX api_token_user ON api_token(user_id);
