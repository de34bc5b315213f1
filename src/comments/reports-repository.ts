// Readers' reports on comments: one row per comment per browser (reader_key from the
// same cookie as the likes), with the reason they gave, if any.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export interface ReportSummary {
  count: number;
  /** The reasons readers gave, oldest first; reports without one are only counted. */
  reasons: string[];
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>;

export function createReportsRepository(db: Db, clock: Clock) {
  const add = db.prepare<[number, string, string, string]>(
    'INSERT INTO reports (comment_id, reader_key, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const count = db.prepare<[number], number>('SELECT count(*) FROM reports WHERE comment_id = ?').pluck();
  const has = db.prepare<[number, string], number>('SELECT 1 FROM reports WHERE comment_id = ? AND reader_key = ?').pluck();
  const summaries = db.prepare<[string], { comment_id: number; n: number; reasons: string }>(
    `SELECT comment_id, count(*) AS n, json_group_array(reason) FILTER (WHERE reason <> '') AS reasons
       FROM (SELECT * FROM reports WHERE comment_id IN (SELECT value FROM json_each(?)) ORDER BY created_at)
      GROUP BY comment_id`,
  );
  const clear = db.prepare<[string]>('DELETE FROM reports WHERE comment_id IN (SELECT value FROM json_each(?))');

  return {
    /** Records a report; a second one from the same browser changes nothing. Returns whether it was new. */
    add: (commentId: number, readerKey: string, reason: string, now = isoNow(clock)): boolean =>
      add.run(commentId, readerKey, reason, now).changes > 0,
    countFor: (commentId: number): number => count.get(commentId) ?? 0,
    hasReported: (commentId: number, readerKey: string): boolean => has.get(commentId, readerKey) !== undefined,
    /** Counts and reasons for the given comments, in one query; comments with no reports are absent. */
    summaryFor(commentIds: readonly number[]): Map<number, ReportSummary> {
      const result = new Map<number, ReportSummary>();
      if (commentIds.length === 0) return result;
      for (const row of summaries.all(JSON.stringify(commentIds))) {
        result.set(row.comment_id, { count: row.n, reasons: JSON.parse(row.reasons) as string[] });
      }
      return result;
    },
    /** Forgets the reports on comments a moderator has reviewed and approved. */
    clearFor: (commentIds: readonly number[]): void => void clear.run(JSON.stringify(commentIds)),
  };
}
