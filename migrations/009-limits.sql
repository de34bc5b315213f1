-- Per-address limits and log-in failures, kept in the database so that a restart does not
-- reset them and every process serving this file counts together. Addresses appear only
-- as keyed hashes of their group (IPv6 by /64).
CREATE TABLE rate_windows (
  bucket       TEXT NOT NULL,     -- which limit: 'comment', 'like', 'report', 'token', …
  key          TEXT NOT NULL,
  window_start INTEGER NOT NULL,  -- milliseconds since the epoch
  hits         INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX rate_windows_start ON rate_windows (bucket, window_start);

CREATE TABLE login_failures (
  account TEXT NOT NULL,          -- the name as typed, lower-cased (it may be no account)
  address TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX login_failures_pair ON login_failures (account, address, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- The one password check in flight per account and address; a lease, so a crashed
-- process cannot hold it for ever.
CREATE TABLE login_checks (
  account    TEXT NOT NULL,
  address    TEXT NOT NULL,
  token      TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (account, address)
) WITHOUT ROWID;

-- A session holding only a CSRF secret (a log-in page view, a refused POST) is a
-- pre-session: short-lived, and counted per address so one address cannot pile them up.
-- NULL for every session that holds anything else.
ALTER TABLE sessions ADD COLUMN pre_address TEXT;
CREATE INDEX sessions_pre_address ON sessions (pre_address, expires) WHERE pre_address IS NOT NULL;
