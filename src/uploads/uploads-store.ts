// Saving an uploaded image: its type from its bytes, a random name under
// dataDir/uploads, and its record, so a file never exists without one for long.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../errors.js';
import { sniffImageType, STORED_NAME } from './image-type.js';
import type { Upload, UploadsRepository } from './uploads-repository.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/** The stored file's path, or undefined for any name we could not have made. */
export function uploadPath(dataDir: string, filename: string): string | undefined {
  return STORED_NAME.test(filename) ? path.join(uploadsDir(dataDir), filename) : undefined;
}

export async function saveUpload(
  dataDir: string,
  uploads: UploadsRepository,
  file: { buffer: Buffer; originalname: string },
  userId: number,
): Promise<Upload> {
  const type = sniffImageType(file.buffer);
  if (!type) throw new DomainError('unsupported', 'Only PNG, JPEG, GIF and WebP images can be uploaded; that file is none of them.');
  const filename = `${randomBytes(16).toString('hex')}.${type.ext}`;
  await fs.mkdir(uploadsDir(dataDir), { recursive: true });
  await fs.writeFile(path.join(uploadsDir(dataDir), filename), file.buffer, { flag: 'wx' });
  const originalName = file.originalname.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || filename;
  uploads.insert({ user_id: userId, filename, original_name: originalName, mime: type.mime, size: file.buffer.length });
  return uploads.findByFilename(filename)!;
}

/** The Markdown that shows an upload, with its original name (without extension) as the alt text. */
export function uploadMarkdown(upload: Pick<Upload, 'filename' | 'original_name'>): string {
  const alt = upload.original_name.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[[\]\\]/g, '').trim() || 'image';
  return `![${alt}](/uploads/${upload.filename})`;
}
