// The outbox table: messages waiting to be sent, sent, or given up on. Rows are added
// inside the transaction of the write that caused them; the worker reads what is due.
import type { Clock } from '../clock.js';
import { isoNow } from '../clock.js';
import type { Db } from '../db/open.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed';
export type MessageKind = 'confirm' | 'comments' | 'post' | 'held' | 'reported' | 'sign-in';

export interface OutboxRow {
  id: number;
  message_id: string;
  recipient: string;
  kind: MessageKind;
  gather_key: string | null;
  subscription_id: number | null;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string;
  created_at: string;
  sent_at: string | null;
  /** The sender holding this row while it sends it, and until when (a crashed one's claim runs out). */
  claimed_by: string | null;
  claimed_until: string | null;
}

export type NewMessage = Pick<OutboxRow, 'message_id' | 'recipient' | 'kind' | 'gather_key' | 'subscription_id' | 'payload' | 'next_attempt_at'>;

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

export function createOutboxRepository(db: Db, clock: Clock) {
  const insert = db.prepare<NewMessage & { now: string }>(
    `INSERT INTO outbox (message_id, recipient, kind, gather_key, subscription_id, payload, next_attempt_at, created_at)
     VALUES (@message_id, @recipient, @kind, @gather_key, @subscription_id, @payload, @next_attempt_at, @now)`,
  );
  const pendingByGather = db.prepare<[string, string], OutboxRow>(
    "SELECT * FROM outbox WHERE gather_key = ? AND status = 'pending' AND next_attempt_at > ? AND claimed_by IS NULL ORDER BY id DESC LIMIT 1",
  );
  const lastByGather = db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE gather_key = ? ORDER BY id DESC LIMIT 1');
  const setPayload = db.prepare<[string, number]>('UPDATE outbox SET payload = ? WHERE id = ?');
  // One statement picks and claims, so two processes never take the same row.
  const claim = db.prepare<{ worker: string; now: string; until: string }, OutboxRow>(
    `UPDATE outbox SET claimed_by = @worker, claimed_until = @until
     WHERE id = (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now
                   AND (claimed_until IS NULL OR claimed_until < @now)
                 ORDER BY next_attempt_at, id LIMIT 1)
     RETURNING *`,
  );
  const byId = db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?');
  const sent = db.prepare<[string, number]>("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = '', claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'pending'");
  const retryLater = db.prepare<[string, string, number]>("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'pending'");
  const failed = db.prepare<[string, number]>("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'pending'");
  const requeue = db.prepare<[string, number]>("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'failed'");
  const recentOfKind = db.prepare<[string, MessageKind, string], number>(
    'SELECT count(*) FROM outbox WHERE recipient = ? COLLATE NOCASE AND kind = ? AND created_at > ?',
  ).pluck();
  const eraseRecipient = db.prepare<[string]>('DELETE FROM outbox WHERE recipient = ? COLLATE NOCASE');
  const announce = db.prepare<[string]>('INSERT INTO mail_announced (subject) VALUES (?) ON CONFLICT DO NOTHING');
  const counts = db.prepare<[], { status: OutboxStatus; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status');
  const latest = db.prepare<[OutboxStatus, number], OutboxRow>('SELECT * FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?');

  return {
    add(message: NewMessage): number {
      return Number(insert.run({ ...message, now: isoNow(clock) }).lastInsertRowid);
    },
    /**
     * The message for this person and post waiting for its time, which a later notice
     * joins. One already due may be on its way to the server, so nothing joins it.
     */
    pendingFor: (gatherKey: string, nowIso: string): OutboxRow | undefined => pendingByGather.get(gatherKey, nowIso),
    /** The newest message for this person and post, whatever its state. */
    lastFor: (gatherKey: string): OutboxRow | undefined => lastByGather.get(gatherKey),
    setPayload(id: number, payload: string): void {
      setPayload.run(payload, id);
    },
    /**
     * The oldest pending message whose time has come and that no sender holds, now held
     * by `worker` until `untilIso`; undefined when there is none.
     */
    claimNext: (worker: string, nowIso: string, untilIso: string): OutboxRow | undefined => claim.get({ worker, now: nowIso, until: untilIso }),
    findById: (id: number): OutboxRow | undefined => byId.get(id),
    markSent(id: number, at: string): void {
      sent.run(at, id);
    },
    retryAt(id: number, at: string, error: string): void {
      retryLater.run(at, error.slice(0, 1000), id);
    },
    markFailed(id: number, error: string): void {
      failed.run(error.slice(0, 1000), id);
    },
    /** A failed message tried again from the start; false when it was not failed. */
    retry(id: number): boolean {
      return requeue.run(isoNow(clock), id).changes > 0;
    },
    /** How many messages of a kind went to an address since a time (confirmations are sent once an hour at most). */
    countSince: (recipient: string, kind: MessageKind, sinceIso: string): number => recentOfKind.get(recipient, kind, sinceIso) ?? 0,
    /** Erasure: every message to the address, waiting, failed or sent (the desk's history holds the address too). */
    eraseFor(recipient: string): number {
      return eraseRecipient.run(recipient).changes;
    },
    /** Marks a subject ('comment:ID', 'post:ID') announced; false when it already was. */
    markAnnounced: (subject: string): boolean => announce.run(subject).changes > 0,
    counts(): Record<OutboxStatus, number> {
      const result: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
      for (const row of counts.all()) result[row.status] = row.n;
      return result;
    },
    latest: (status: OutboxStatus, limit: number): OutboxRow[] => latest.all(status, limit),
  };
}
