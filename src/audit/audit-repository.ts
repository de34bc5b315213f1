// The audit trail: who changed what, and when. Written inside the same transaction
// as the change it records, so the trail never claims a change that rolled back.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';
import type { NamedThings, ReferencedIds } from './audit-references.js';
import { SHOWN_NAME } from '../users/users-repository.js';

export interface AuditEntry {
  id: number;
  user_id: number | null;
  username: string | null;
  /** The display name of who did it (the username where that is blank). */
  user_name: string | null;
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
    `SELECT a.*, u.username, ${SHOWN_NAME} AS user_name FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
      ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[], number>('SELECT count(*) FROM audit_log').pluck();
  // What a page of entries names, one query per kind of thing whatever the page holds.
  const postNames = db.prepare<[string], { id: number; title: string; kind: 'post' | 'page' }>(
    'SELECT id, title, kind FROM posts WHERE id IN (SELECT value FROM json_each(?))',
  );
  const commentNames = db.prepare<[string], { id: number; author_name: string; body_html: string; post_title: string }>(
    `SELECT c.id, c.author_name, c.body_html, p.title AS post_title
       FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id IN (SELECT value FROM json_each(?))`,
  );
  const userNames = db.prepare<[string], { id: number; username: string; name: string }>(
    `SELECT u.id, u.username, ${SHOWN_NAME} AS name FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`,
  );
  const uploadNames = db.prepare<[string], { id: number; original_name: string; filename: string }>(
    'SELECT id, original_name, filename FROM uploads WHERE id IN (SELECT value FROM json_each(?))',
  );
  const forgetDetail = db.prepare<[string]>("UPDATE audit_log SET detail = '' WHERE subject IN (SELECT value FROM json_each(?))");

  return {
    record(entry: AuditRecord, now = isoNow(clock)): void {
      insert.run(entry.userId, entry.action, entry.subject ?? '', (entry.detail ?? '').slice(0, 1000), now);
    },
    /** Newest first. */
    list: (limit: number, offset: number): AuditEntry[] => page.all(limit, offset),
    count: (): number => count.get() ?? 0,
    /** The names and titles of what entries refer to; anything gone is simply absent. */
    namesFor(ids: ReferencedIds): NamedThings {
      return {
        posts: new Map(postNames.all(JSON.stringify(ids.post)).map((p) => [p.id, p])),
        comments: new Map(commentNames.all(JSON.stringify(ids.comment)).map((c) => [c.id, c])),
        users: new Map(userNames.all(JSON.stringify(ids.user)).map((u) => [u.id, u])),
        uploads: new Map(uploadNames.all(JSON.stringify(ids.upload)).map((u) => [u.id, u])),
      };
    },
    /** Clears the detail (which may name a person) of the entries about these subjects; who did what, and when, stays. */
    forgetDetailsOf: (subjects: readonly string[]): void => void forgetDetail.run(JSON.stringify(subjects)),
  };
}
