-- In-app inbox per user, and the live event queue streamed by GET /api/v1/events (SSE).
-- Owned by core/notify.c.

-- read_at is the only mutation (updated_at follows it).
CREATE TABLE notification (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT,
  entity TEXT,
  entity_id INTEGER,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES app_user(id),
  read_at INTEGER,
  updated_at INTEGER NOT NULL
);
-- the inbox and its unread count: user_id = :me [AND read_at IS NULL]
CREATE INDEX notification_user_read ON notification(user_id, read_at);
CREATE INDEX notification_agency ON notification(agency_id);

-- Append-only queue, pruned after a week (the newest row is always kept, so
-- ids never go backwards). user_id NULL = every user of the agency.
-- payload is the SSE data line: one compact JSON object.
CREATE TABLE event (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  user_id INTEGER REFERENCES app_user(id),
  type TEXT NOT NULL CHECK (type IN ('notification', 'changed')),
  entity TEXT,
  entity_id INTEGER,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- id > :after AND (user_id = :me OR (user_id IS NULL AND agency_id = :agency)):
-- one index per branch, each ending in id so the range is a seek.
CREATE INDEX event_user ON event(user_id, id);
CREATE INDEX event_agency ON event(agency_id, user_id, id);
