-- Commenters who sign in (an OpenID Connect provider, or a one-time email link): one
-- identity per provider and subject, never a `users` row, so no staff rule applies to
-- them. Only what the form and the thread need is kept: no provider tokens.
-- `email` is set only when the provider vouched for it (always, for provider 'email').
CREATE TABLE commenters (
  id           INTEGER PRIMARY KEY,
  provider     TEXT NOT NULL,
  subject      TEXT NOT NULL,
  name         TEXT NOT NULL,
  email        TEXT,
  picture_url  TEXT,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  UNIQUE (provider, subject)
);

-- The signed-in commenter who wrote a comment (NULL for anonymous ones and staff);
-- edited_at marks a commenter's own edit within the edit window.
ALTER TABLE comments ADD COLUMN commenter_id INTEGER REFERENCES commenters(id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN edited_at TEXT;
CREATE INDEX comments_commenter ON comments (commenter_id, status) WHERE commenter_id IS NOT NULL;

-- Email sign-in links already used: the link itself is signed and carries its address
-- and time, so only its random id is kept here, to refuse a second use. Rows older than
-- a link's life are forgotten.
CREATE TABLE email_link_uses (
  nonce   TEXT PRIMARY KEY,
  used_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX email_link_uses_used ON email_link_uses (used_at);
