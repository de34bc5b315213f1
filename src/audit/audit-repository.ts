// The audit trail: who changed what, and when. Written inside the same transaction
// as the change it records, so the trail never claims a change that rolled back.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export interface AuditEntry {
  id: number;
  user_id: number | null;
  username: string | null;
  action: string;
  subject: string;
  detail: string;
  created_at: string;
}

export interface AuditRecord {
  userId: number | null;
  /** 'post.create', 'comment.approve', … */
  action: string;
  /** What it acted on: 'post:12'. */
  subject?: string;
  detail?: string;
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

export function createAuditRepository(db: Db, clock: Clock) {
  const insert = db.prepare<[number | null, string, string, string, string]>(
    'INSERT INTO audit_log (user_id, action, subject, detail, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const page = db.prepare<[number, number], AuditEntry>(
    `SELECT a.*, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
      ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[], number>('SELECT count(*) FROM audit_log').pluck();
  const forgetDetail = db.prepare<[string]>("UPDATE audit_log SET detail = '' WHERE subject IN (SELECT value FROM json_each(?))");

  return {
    record(entry: AuditRecord, now = isoNow(clock)): void {
      insert.run(entry.userId, entry.action, entry.subject ?? '', (entry.detail ?? '').slice(0, 1000), now);
    },
    /** Newest first. */
    list: (limit: number, offset: number): AuditEntry[] => page.all(limit, offset),
    count: (): number => count.get() ?? 0,
    /** Clears the detail (which may name a person) of the entries about these subjects; who did what, and when, stays. */
    forgetDetailsOf: (subjects: readonly string[]): void => void forgetDetail.run(JSON.stringify(subjects)),
  };
}
