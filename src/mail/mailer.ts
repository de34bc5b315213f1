// Hands one built message to the world: through nodemailer to SMTP_URL, or, with no
// SMTP_URL, as an .eml file in mail/ beside the database, so a new install works and
// the author can read what would have gone out. Log lines name no address.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed when the message was queued: a resend is recognisably the same message. */
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the SMTP server has accepted the message (or the file is written). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  /** Where .eml files go when there is no SMTP server. */
  mailDir: string;
  logger: Logger;
}

// A dead or silent server must not hold the worker for minutes.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailer({ smtpUrl, mailDir, logger }: MailerOptions): Mailer {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl, TIMEOUTS);
    return {
      async send(mail) {
        await transport.sendMail(mail);
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      fs.mkdirSync(mailDir, { recursive: true });
      // Named by the message's own id part, never by its address.
      const file = path.join(mailDir, `${mail.messageId.replace(/[^\w.-]/g, '_')}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
      logger.info({ file }, 'no SMTP_URL: message written to a file');
    },
    close: () => transport.close(),
  };
}
