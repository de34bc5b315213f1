-- Profiles, and pages without a Like button. Profiles: a short bio beside each person's display name and email, shown under their
-- posts. A public page shows the bio, and the username wherever a display name is
-- blank, so changing either changes what readers see (content_generation, 008).
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';

CREATE TRIGGER content_users_profile_update AFTER UPDATE OF bio, username ON users
BEGIN UPDATE content_generation SET n = n + 1; END;

-- A Like button per post or page: on for posts, off for new pages (an About or Contact
-- page is not something to like). Existing pages keep the button they had. Pages show
-- it, so changing it moves the content generation through content_posts_update (008).
ALTER TABLE posts ADD COLUMN likes_open INTEGER NOT NULL DEFAULT 1 CHECK (likes_open IN (0, 1));
