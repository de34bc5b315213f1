// Readers' reports on comments: one row per comment per browser (reader_key from the
// same cookie as the likes), with the reason they gave, if any, and the keyed hash of
// the reader's address group, which decides whether reports may hide the comment.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export interface ReportSummary {
  /** Every report ever made on the comment, reviewed or not: its full history. */
  count: number;
  /** Reports no moderator has reviewed yet. */
  open: number;
  /** Distinct reader addresses among all its reports (reports from before addresses were kept are not counted). */
  addresses: number;
  /** The reasons readers gave, oldest first; reports without one are only counted. */
  reasons: { text: string; reviewed: boolean }[];
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>;

export function createReportsRepository(db: Db, clock: Clock) {
  const add = db.prepare<[number, string, string, string, string]>(
    'INSERT INTO reports (comment_id, reader_key, address_hash, reason, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  // An address that had reported the comment before a review cannot hide it again,
  // however many browsers it reports from afterwards.
  const hidingAddresses = db.prepare<{ id: number }, number>(
    `SELECT count(DISTINCT address_hash) FROM reports
      WHERE comment_id = @id AND reviewed_at IS NULL AND address_hash <> ''
        AND address_hash NOT IN (SELECT address_hash FROM reports WHERE comment_id = @id AND reviewed_at IS NOT NULL)`,
  ).pluck();
  const has = db.prepare<[number, string], number>('SELECT 1 FROM reports WHERE comment_id = ? AND reader_key = ?').pluck();
  const open = db.prepare<[number], number>('SELECT count(*) FROM reports WHERE comment_id = ? AND reviewed_at IS NULL').pluck();
  const summaries = db.prepare<[string], { comment_id: number; n: number; open: number; addresses: number; reasons: string }>(
    `SELECT comment_id, count(*) AS n, count(*) FILTER (WHERE reviewed_at IS NULL) AS open,
            count(DISTINCT nullif(address_hash, '')) AS addresses,
            json_group_array(json_object('text', reason, 'reviewed', json(iif(reviewed_at IS NULL, 'false', 'true'))))
              FILTER (WHERE reason <> '') AS reasons
       FROM (SELECT * FROM reports WHERE comment_id IN (SELECT value FROM json_each(?)) ORDER BY created_at)
      GROUP BY comment_id`,
  );
  // Same condition as the partial index reports_with_address, so only those rows are read.
  const forgetAddresses = db.prepare<[string]>("UPDATE reports SET address_hash = '' WHERE created_at < ? AND address_hash != ''");
  const remove = db.prepare<[string]>('DELETE FROM reports WHERE comment_id IN (SELECT value FROM json_each(?))');
  const review = db.prepare<[string, string]>(
    'UPDATE reports SET reviewed_at = ? WHERE reviewed_at IS NULL AND comment_id IN (SELECT value FROM json_each(?))',
  );

  return {
    /** Records a report; a second one from the same browser changes nothing. Returns whether it was new. */
    add: (commentId: number, readerKey: string, addressHash: string, reason: string, now = isoNow(clock)): boolean =>
      add.run(commentId, readerKey, addressHash, reason, now).changes > 0,
    /** Distinct addresses whose open reports may hide the comment: none that reported it before a review. */
    countHidingAddresses: (commentId: number): number => hidingAddresses.get({ id: commentId }) ?? 0,
    hasReported: (commentId: number, readerKey: string): boolean => has.get(commentId, readerKey) !== undefined,
    /** Reports on the comment that no moderator has answered yet. */
    countOpen: (commentId: number): number => open.get(commentId) ?? 0,
    /** Counts and reasons for the given comments, in one query; comments with no reports are absent. */
    summaryFor(commentIds: readonly number[]): Map<number, ReportSummary> {
      const result = new Map<number, ReportSummary>();
      if (commentIds.length === 0) return result;
      for (const row of summaries.all(JSON.stringify(commentIds))) {
        result.set(row.comment_id, {
          count: row.n, open: row.open, addresses: row.addresses, reasons: JSON.parse(row.reasons) as ReportSummary['reasons'],
        });
      }
      return result;
    },
    /**
     * Answers the open reports on comments a moderator has reviewed and kept: they stay
     * in the history, marked reviewed, and their addresses cannot hide the comment again.
     */
    markReviewed: (commentIds: readonly number[], now = isoNow(clock)): void => void review.run(now, JSON.stringify(commentIds)),
    /** Clears the address hash of reports made before `cutoff` (they no longer count towards hiding); returns how many. */
    forgetAddressesBefore: (cutoff: string): number => forgetAddresses.run(cutoff).changes,
    /** Deletes every report on these comments, reasons and addresses too: for erasing a commenter. */
    deleteFor: (commentIds: readonly number[]): void => void remove.run(JSON.stringify(commentIds)),
  };
}
