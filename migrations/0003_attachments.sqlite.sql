-- Attachments (core/files.c). The bytes live once per content under
-- <data dir>/files/ab/cdef..., named by content_hash; each upload is one row.
-- owner_entity/owner_id stay NULL until a module attaches the upload to its
-- record (files_attach); until then only the uploader (and supervisors) see it.
CREATE TABLE attachment (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  content_hash TEXT NOT NULL,   -- BLAKE2b-256 of the bytes, 64 lowercase hex
  size INTEGER NOT NULL,        -- bytes
  mime TEXT NOT NULL,           -- detected from the bytes, never the client's claim
  filename TEXT NOT NULL,       -- display name, UTF-8, no path
  kind TEXT NOT NULL,           -- photo | document (core/files.c kinds table)
  owner_entity TEXT,            -- e.g. workorder; NULL until attached
  owner_id INTEGER,
  created_by INTEGER REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX attachment_owner ON attachment(owner_entity, owner_id);
CREATE INDEX attachment_agency ON attachment(agency_id);
CREATE INDEX attachment_hash ON attachment(content_hash);
