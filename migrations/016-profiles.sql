-- Profiles: a short bio beside each person's display name and email, shown under their
-- posts. A public page shows the bio, and the username wherever a display name is
-- blank, so changing either changes what readers see (content_generation, 008).
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';

CREATE TRIGGER content_users_profile_update AFTER UPDATE OF bio, username ON users
BEGIN UPDATE content_generation SET n = n + 1; END;
