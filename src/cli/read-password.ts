// Reads a password for the command line: all of standard input with --password-stdin,
// else a hidden prompt on the terminal (typed twice), never echoed.
import type { ReadStream } from 'node:tty';

export class InputError extends Error {
  override name = 'InputError';
}

/** Standard input up to its end, without the one line ending a pipe or heredoc adds. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** One line typed on the terminal with nothing shown; Ctrl-C or Ctrl-D gives up. */
function promptHidden(question: string, stdin: ReadStream, stderr: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    // Raw mode (no echo) before the prompt shows, so even keys typed at once stay hidden.
    stdin.setRawMode(true);
    stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new InputError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The new password, from standard input or typed twice at a hidden prompt. */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  const stdin = process.stdin as ReadStream;
  if (!stdin.isTTY) {
    throw new InputError('No terminal to ask for the password on: pipe it in with --password-stdin.');
  }
  const first = await promptHidden('Password: ', stdin, process.stderr);
  const second = await promptHidden('Password again: ', stdin, process.stderr);
  if (first !== second) throw new InputError('The two passwords differ; nothing was changed.');
  return first;
}
