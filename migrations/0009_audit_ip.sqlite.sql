-- Login rate limiting per client IP (modules/org/org.c login_ip_check): before checking a
-- password the server asks for the 20th newest failed login (audit rows login_failed /
-- login_locked) from the client's IP within the last 10 minutes. Counting the audit rows
-- the failures already write makes the limit hold across several server processes.
-- The index leads with ip and action so the lookup reads only that IP's failures (at most
-- about the limit per window), not the refused attempts (login_rate_limited) an attacker
-- keeps adding, nor anyone else's rows.
CREATE INDEX audit_ip ON audit_log(ip, action, at);
