-- Readers following by email: a post's new comments (post_id set) or the blog's new
-- posts (post_id NULL). A subscription is pending until its address's owner confirms
-- through the signed link in the one confirmation message; nothing else is sent before.
CREATE TABLE subscriptions (
  id           INTEGER PRIMARY KEY,
  email        TEXT NOT NULL COLLATE NOCASE,
  post_id      INTEGER REFERENCES posts(id) ON DELETE CASCADE,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
  created_at   TEXT NOT NULL,
  confirmed_at TEXT
);
CREATE UNIQUE INDEX subscriptions_one ON subscriptions (email, ifnull(post_id, 0));
CREATE INDEX subscriptions_post ON subscriptions (post_id, status);
