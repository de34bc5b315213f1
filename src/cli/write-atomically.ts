// Writes a file that is either whole or not there: the text goes to a temporary file
// in the same folder (so the rename never crosses file systems), which replaces the
// target only once every byte is on disk. A failure part-way removes the temporary file.
import fs from 'node:fs';
import path from 'node:path';

// Many small chunks come in; the disk sees them in writes of about this many characters.
const FLUSH_AT = 1 << 16;

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
}

/**
 * Calls `produce` with a `write` function and puts what it wrote at `target`.
 * `mode` applies to a new file (0o600: an export holds commenters' email addresses).
 */
export function writeFileAtomically<T>(target: string, produce: (write: (chunk: string) => void) => T, mode = 0o600): T {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${Date.now()}.tmp`);
  const fd = fs.openSync(temp, 'wx', mode);
  let open = true;
  try {
    let pending = '';
    const result = produce((chunk) => {
      pending += chunk;
      if (pending.length >= FLUSH_AT) {
        writeAll(fd, pending);
        pending = '';
      }
    });
    writeAll(fd, pending);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    open = false;
    fs.renameSync(temp, target);
    return result;
  } catch (err) {
    if (open) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
