// A real SMTP server on loopback for mail tests: it keeps every message it accepts,
// parsed, and can be made to refuse (as a server that is down) and come back.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** While false, every connection is refused with a 421, as by a server that is down. */
  up: boolean;
  /** Resolves once `count` messages in all have been received and parsed. */
  waitFor(count: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const parsing: Promise<void>[] = [];
  const state = { up: true };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (state.up) return callback();
      const err = new Error('Service not available') as Error & { responseCode: number };
      err.responseCode = 421;
      callback(err);
    },
    onData(stream, _session, callback) {
      parsing.push(simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count: number) {
      await Promise.all(parsing);
      if (received.length < count) throw new Error(`expected ${count} messages, got ${received.length}`);
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
