-- A content generation: one number that SQLite triggers bump inside every transaction
-- that changes what a public page, feed or sitemap shows. Every worker process reads
-- it once per request, so a rendered page kept in memory is reused exactly until
-- something it could show has changed, in any process. Writes that no public page
-- shows (sessions, rate limits, held comments arriving, the retention job blanking
-- addresses, internal secrets) leave it alone, so they do not flush the cache.
-- PRAGMA data_version would change on all of those.
CREATE TABLE content_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO content_generation (id, n) VALUES (1, 0);

-- Posts and pages: any column may show (title, body, dates, status, the counts below).
CREATE TRIGGER content_posts_insert AFTER INSERT ON posts BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_posts_update AFTER UPDATE ON posts BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_posts_delete AFTER DELETE ON posts BEGIN UPDATE content_generation SET n = n + 1; END;

CREATE TRIGGER content_post_tags_insert AFTER INSERT ON post_tags BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_post_tags_update AFTER UPDATE ON post_tags BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_post_tags_delete AFTER DELETE ON post_tags BEGIN UPDATE content_generation SET n = n + 1; END;

CREATE TRIGGER content_tags_insert AFTER INSERT ON tags BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_tags_update AFTER UPDATE ON tags BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_tags_delete AFTER DELETE ON tags BEGIN UPDATE content_generation SET n = n + 1; END;

CREATE TRIGGER content_post_redirects_insert AFTER INSERT ON post_redirects BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_post_redirects_update AFTER UPDATE ON post_redirects BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_post_redirects_delete AFTER DELETE ON post_redirects BEGIN UPDATE content_generation SET n = n + 1; END;

-- Comments: a new comment shows only when it is approved (a held one arriving has no
-- replies yet, so not even its placeholder shows). An update bumps only through the
-- columns a page or feed shows (the avatar comes from email_key, the badge from
-- user_id), so blanking ip_hash and user_agent after the retention period does not.
CREATE TRIGGER content_comments_insert AFTER INSERT ON comments WHEN new.status = 'approved'
BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_comments_update
AFTER UPDATE OF post_id, parent_id, user_id, author_name, email_key, author_url, body_html, status, created_at ON comments
BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_comments_delete AFTER DELETE ON comments BEGIN UPDATE content_generation SET n = n + 1; END;

CREATE TRIGGER content_likes_insert AFTER INSERT ON likes BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_likes_delete AFTER DELETE ON likes BEGIN UPDATE content_generation SET n = n + 1; END;

-- Settings show in every page (title, tagline, time zone, depth); the generated
-- secrets kept under internal: keys show nowhere.
CREATE TRIGGER content_settings_insert AFTER INSERT ON settings WHEN new.key NOT LIKE 'internal:%'
BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_settings_update AFTER UPDATE ON settings WHEN new.key NOT LIKE 'internal:%' OR old.key NOT LIKE 'internal:%'
BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_settings_delete AFTER DELETE ON settings WHEN old.key NOT LIKE 'internal:%'
BEGIN UPDATE content_generation SET n = n + 1; END;

-- Authors' names show on posts, listings and feeds; passwords, roles and emails do not.
CREATE TRIGGER content_users_update AFTER UPDATE OF display_name ON users BEGIN UPDATE content_generation SET n = n + 1; END;

-- Each post's count of approved comments, kept exact by triggers when a comment is
-- written, so listings and search results stop counting a post's comments on every
-- read (a 10,000-comment post in a listing cost more than the rest of its query).
ALTER TABLE posts ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET comment_count = (SELECT count(*) FROM comments c WHERE c.post_id = posts.id AND c.status = 'approved');

CREATE TRIGGER posts_comment_count_insert AFTER INSERT ON comments WHEN new.status = 'approved'
BEGIN UPDATE posts SET comment_count = comment_count + 1 WHERE id = new.post_id; END;
CREATE TRIGGER posts_comment_count_delete AFTER DELETE ON comments WHEN old.status = 'approved'
BEGIN UPDATE posts SET comment_count = comment_count - 1 WHERE id = old.post_id; END;
CREATE TRIGGER posts_comment_count_update AFTER UPDATE OF status, post_id ON comments
WHEN old.status = 'approved' OR new.status = 'approved'
BEGIN
  UPDATE posts SET comment_count = comment_count - 1 WHERE id = old.post_id AND old.status = 'approved';
  UPDATE posts SET comment_count = comment_count + 1 WHERE id = new.post_id AND new.status = 'approved';
END;
