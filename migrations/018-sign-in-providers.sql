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
