-- The login rate limit (0009) reads only failed logins, but its index took a
-- row for every audit record: one more page written by every change in the
-- system (issue #5 counted ~33 pages per work-order create). Now it holds the
-- failures only; the query names the same IN list, so the planner uses it.
DROP INDEX audit_ip;
CREATE INDEX audit_ip_failed ON audit_log(ip, at) WHERE action IN ('login_failed', 'login_locked');
