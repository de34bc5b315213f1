-- Readers reporting a comment: one row per comment per browser (reader_key is the
-- same long-lived random cookie the likes use), with an optional reason for the
-- moderators. Enough reports hold the comment back until someone reviews it.
CREATE TABLE reports (
  comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  reader_key TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (comment_id, reader_key)
) WITHOUT ROWID;
