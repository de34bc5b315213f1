-- What each WordPress import brought in, so that importing the same export again
-- recognises it: a post by its source site and WordPress id (ids restart at 1 on every
-- site) or by its guid, and a comment by its WordPress id within the post it came with.
-- A local row deleted here since is kept as NULL: a later import leaves it deleted
-- (an erased commenter's words must not come back with the next import).
CREATE TABLE imported_posts (
  source_site TEXT NOT NULL,              -- the export's site address without its scheme: 'example.org/blog'
  wp_post_id  INTEGER NOT NULL,
  guid        TEXT NOT NULL DEFAULT '',
  post_id     INTEGER REFERENCES posts(id) ON DELETE SET NULL,
  PRIMARY KEY (source_site, wp_post_id)
);
CREATE INDEX imported_posts_guid ON imported_posts (guid);
CREATE INDEX imported_posts_post ON imported_posts (post_id);

CREATE TABLE imported_comments (
  post_id       INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  wp_comment_id INTEGER NOT NULL,
  comment_id    INTEGER REFERENCES comments(id) ON DELETE SET NULL,
  PRIMARY KEY (post_id, wp_comment_id)
) WITHOUT ROWID;
CREATE INDEX imported_comments_comment ON imported_comments (comment_id);
