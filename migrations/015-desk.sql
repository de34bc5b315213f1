-- The author's desk keeps work: a Trash for posts, and autosaved copies of the editor.

-- A post in the Trash keeps its row (and slug, so its URL can answer 410 Gone) until
-- it is restored, deleted for good from the Trash, or purged by the job after 30 days.
ALTER TABLE posts ADD COLUMN trashed_at TEXT;
CREATE INDEX posts_trashed ON posts (trashed_at) WHERE trashed_at IS NOT NULL;

-- What the editor held, saved in the background while the author types: the last 20
-- per post. A post not yet saved has no id, so its copies carry the editor's draft_key
-- (post_id NULL) and are given to the post when it is first saved. No public page
-- shows these, so they have no content-generation trigger.
CREATE TABLE post_revisions (
  id            INTEGER PRIMARY KEY,
  post_id       INTEGER REFERENCES posts(id) ON DELETE CASCADE,
  author_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  draft_key     TEXT NOT NULL DEFAULT '',
  kind          TEXT NOT NULL,
  title         TEXT NOT NULL,
  slug          TEXT NOT NULL,
  body          TEXT NOT NULL,
  excerpt       TEXT NOT NULL,
  tags          TEXT NOT NULL,
  status        TEXT NOT NULL,
  published_at  TEXT NOT NULL,
  comments_open INTEGER NOT NULL CHECK (comments_open IN (0, 1)),
  likes_open    INTEGER NOT NULL DEFAULT 1 CHECK (likes_open IN (0, 1)),
  created_at    TEXT NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);
CREATE INDEX post_revisions_unsaved ON post_revisions (author_id, draft_key, id) WHERE post_id IS NULL;
