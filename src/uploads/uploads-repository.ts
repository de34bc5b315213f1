// Records of uploaded images; the files themselves live under the data folder.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export interface Upload {
  id: number;
  user_id: number | null;
  filename: string;
  original_name: string;
  mime: string;
  size: number;
  created_at: string;
}

export type NewUpload = Omit<Upload, 'id' | 'created_at'>;

export type UploadsRepository = ReturnType<typeof createUploadsRepository>;

export function createUploadsRepository(db: Db, clock: Clock) {
  const insert = db.prepare<[number | null, string, string, string, number, string]>(
    'INSERT INTO uploads (user_id, filename, original_name, mime, size, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byFilename = db.prepare<[string], Upload>('SELECT * FROM uploads WHERE filename = ?');
  const recent = db.prepare<{ userId: number | null; limit: number }, Upload>(
    'SELECT * FROM uploads WHERE (@userId IS NULL OR user_id = @userId) ORDER BY created_at DESC, id DESC LIMIT @limit',
  );

  return {
    insert(upload: NewUpload, now = isoNow(clock)): number {
      return Number(insert.run(upload.user_id, upload.filename, upload.original_name, upload.mime, upload.size, now).lastInsertRowid);
    },
    findByFilename: (filename: string): Upload | undefined => byFilename.get(filename),
    /** Newest first; userId limits it to one person's uploads. */
    listRecent: (userId: number | null, limit: number): Upload[] => recent.all({ userId, limit }),
  };
}
