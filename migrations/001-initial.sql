-- The whole first schema: people, posts and pages, tags, comments, likes,
-- settings, sessions, uploads and the audit trail.
-- Times are ISO-8601 UTC strings ('2026-11-25T18:11:40.000Z'), so text order is time order.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  email         TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'author')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

-- Posts and pages share one table: pages are written the same way but live in the
-- navigation, not the home page or feeds. status 'published' with a future
-- published_at is a scheduled post; it becomes visible when the clock passes it.
CREATE TABLE posts (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'page')),
  author_id      INTEGER NOT NULL REFERENCES users(id),
  title          TEXT NOT NULL,
  slug           TEXT NOT NULL UNIQUE,
  body_md        TEXT NOT NULL,
  body_html      TEXT NOT NULL,
  excerpt        TEXT NOT NULL DEFAULT '',   -- the author's own, may be empty
  summary        TEXT NOT NULL DEFAULT '',   -- plain text for listings: excerpt or the body's start
  status         TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  published_at   TEXT,
  comments_open  INTEGER NOT NULL DEFAULT 1 CHECK (comments_open IN (0, 1)),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX posts_listing ON posts (kind, status, published_at);
CREATE INDEX posts_author ON posts (author_id);

-- Slugs a post had before; their URLs redirect to the post's current one.
CREATE TABLE post_redirects (
  old_slug TEXT PRIMARY KEY,
  post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE
);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE post_tags (
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_tag ON post_tags (tag_id, post_id);

-- parent_id is the true parent, always kept; display depth is computed on read.
CREATE TABLE comments (
  id           INTEGER PRIMARY KEY,
  post_id      INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  parent_id    INTEGER REFERENCES comments(id),
  user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  author_name  TEXT NOT NULL,
  author_email TEXT NOT NULL,
  email_key    TEXT NOT NULL,              -- the email case-folded, for "approved before"
  author_url   TEXT NOT NULL DEFAULT '',
  body_md      TEXT NOT NULL,
  body_html    TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
  held_reason  TEXT NOT NULL DEFAULT '',
  ip_hash      TEXT NOT NULL DEFAULT '',   -- keyed hash, never the raw address
  user_agent   TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX comments_thread ON comments (post_id, status, created_at);
CREATE INDEX comments_queue ON comments (status, created_at);
CREATE INDEX comments_email ON comments (email_key, status);
CREATE INDEX comments_parent ON comments (parent_id);

-- One like per post per browser; reader_key comes from a long-lived random cookie.
CREATE TABLE likes (
  post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  reader_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (post_id, reader_key)
) WITHOUT ROWID;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  sid     TEXT PRIMARY KEY,
  data    TEXT NOT NULL,
  expires INTEGER NOT NULL                 -- milliseconds since the epoch
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE uploads (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
  filename      TEXT NOT NULL UNIQUE,      -- stored name under the data folder
  original_name TEXT NOT NULL,
  mime          TEXT NOT NULL,
  size          INTEGER NOT NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  action     TEXT NOT NULL,                -- 'post.create', 'comment.approve', …
  subject    TEXT NOT NULL DEFAULT '',     -- what it acted on: 'post:12'
  detail     TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
