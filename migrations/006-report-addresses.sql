-- Reports and likes that one person cannot multiply by clearing a cookie, and
-- first-time trust that needs an earlier approved comment's name and email.

-- The keyed hash of the reporting reader's address group (IPv6 by /64): a comment is
-- hidden only by reports from enough distinct addresses. Reports made before this
-- migration carry none and so never count towards hiding.
ALTER TABLE reports ADD COLUMN address_hash TEXT NOT NULL DEFAULT '';
-- Set when a moderator reviews and keeps the comment: the report stays in its history,
-- and its address cannot hide the comment again.
ALTER TABLE reports ADD COLUMN reviewed_at TEXT;

-- The same hash for likes, capped per address group per post; counted by this index.
ALTER TABLE likes ADD COLUMN address_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX likes_address ON likes (post_id, address_hash);

-- "Approved before" reads the names an email has been approved under, from the index alone.
DROP INDEX IF EXISTS comments_email;
CREATE INDEX comments_email_name ON comments (email_key, status, author_name);
