-- OpenID Connect providers the administrator entered in the settings (OIDC_PROVIDERS
-- in the environment adds more, and wins on the same id). The client secret is the
-- provider's own credential for this blog, needed for every sign-in, so it is kept.
CREATE TABLE sign_in_providers (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  issuer        TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  icon          TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
) WITHOUT ROWID;

-- The comment form on every kept public page shows the providers' buttons.
CREATE TRIGGER content_sign_in_providers_insert AFTER INSERT ON sign_in_providers BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_sign_in_providers_update AFTER UPDATE ON sign_in_providers BEGIN UPDATE content_generation SET n = n + 1; END;
CREATE TRIGGER content_sign_in_providers_delete AFTER DELETE ON sign_in_providers BEGIN UPDATE content_generation SET n = n + 1; END;
