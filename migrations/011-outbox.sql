-- Mail waiting to go out, written in the same transaction as the write that caused it,
-- so a crash or a restart loses nothing: the worker sends pending rows whose time has
-- come and marks each sent the moment the SMTP server accepts it. `payload` is what the
-- message says (JSON); later notices for the same person and post (`gather_key`) are
-- added to a message not sent yet. `message_id` is fixed at creation, so a resend after
-- a crash is recognisably the same message. Every serving process runs a sender: one
-- claims a row (`claimed_by`, until `claimed_until`) in a single UPDATE before sending
-- it, so no two send the same message; a claim left by a crashed process runs out.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  message_id      TEXT NOT NULL UNIQUE,
  recipient       TEXT NOT NULL,
  kind            TEXT NOT NULL,
  gather_key      TEXT,
  subscription_id INTEGER,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  claimed_by      TEXT,
  claimed_until   TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_gather ON outbox (gather_key, id);
CREATE INDEX outbox_recipient ON outbox (recipient COLLATE NOCASE, kind, created_at);

-- What has been announced by mail ('comment:ID', 'post:ID'): a comment approved, held
-- and approved again, or a post unpublished and published again, is announced once.
CREATE TABLE mail_announced (
  subject TEXT PRIMARY KEY
) WITHOUT ROWID;
