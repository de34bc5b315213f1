// What each kind of message says, built from its stored payload as plain text and HTML:
// the site's name and the post's title in the subject, comment HTML as sanitised for
// the page, permalinks and the unsubscribe link absolute under BASE_URL.
import { escapeXml as escape } from '../feeds/xml.js';
import type { MessageKind } from './outbox-repository.js';

export interface CommentItem {
  commentId: number;
  author: string;
  /** The comment's HTML as the page shows it (already sanitised when it was stored). */
  html: string;
  /** The comment as its writer typed it. */
  text: string;
  /** It answers a comment of the person this message goes to. */
  replyToYou: boolean;
}

export interface HeldItem {
  commentId: number;
  postTitle: string;
  author: string;
  reason: string;
  text: string;
}

export interface ReportedItem {
  commentId: number;
  postTitle: string;
  author: string;
  /** What the reader said, if anything. */
  reason: string;
  text: string;
}

export type Payload =
  | { kind: 'confirm'; token: string }
  | { kind: 'sign-in'; token: string }
  | { kind: 'comments'; postTitle: string; postSlug: string; items: CommentItem[] }
  /** author: the display name; absent in messages queued before it was kept. */
  | { kind: 'post'; postTitle: string; postSlug: string; author?: string; excerpt: string }
  | { kind: 'held'; items: HeldItem[] }
  | { kind: 'reported'; items: ReportedItem[] };

export interface Built {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface Site {
  title: string;
  baseUrl: string;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

function page(site: Site, bodyHtml: string, footerHtml: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;max-width:40em">${bodyHtml}`
    + `<hr><p style="color:#666;font-size:small">${footerHtml}</p></body></html>`;
}

/** The message for a stored payload; `unsubscribeUrl` for messages sent to a subscription. */
export function buildMessage(kind: MessageKind, payload: Payload, site: Site, unsubscribeUrl?: string): Built {
  if (payload.kind !== kind) throw new Error(`payload of kind ${payload.kind} stored as ${kind}`);
  const headers: Record<string, string> = unsubscribeUrl
    ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
    : {};
  const leaveText = unsubscribeUrl ? `\n\n-- \nStop these emails: ${unsubscribeUrl}\n` : '\n';
  const leaveHtml = unsubscribeUrl ? `<a href="${escape(unsubscribeUrl)}">Unsubscribe</a> from these emails at any time.` : '';
  const siteName = escape(site.title);

  switch (payload.kind) {
    case 'confirm': {
      const url = `${site.baseUrl}/subscriptions/confirm?token=${encodeURIComponent(payload.token)}`;
      return {
        subject: `[${site.title}] Please confirm your email subscription`,
        text: `Someone (we hope you) asked to get emails from ${site.title} at this address.\n\nTo confirm, open this link and press "Confirm":\n${url}\n\nIf it was not you, ignore this message: nothing more will be sent. The link works for a week.\n`,
        html: page(site, `<p>Someone (we hope you) asked to get emails from <strong>${siteName}</strong> at this address.</p>`
          + `<p><a href="${escape(url)}">Confirm your subscription</a> (the page has a "Confirm" button).</p>`
          + '<p>If it was not you, ignore this message: nothing more will be sent. The link works for a week.</p>', siteName),
        headers,
      };
    }
    case 'sign-in': {
      const url = `${site.baseUrl}/auth/email/verify?token=${encodeURIComponent(payload.token)}`;
      return {
        subject: `[${site.title}] Your sign-in link`,
        text: `Someone (we hope you) asked to sign in to comment on ${site.title} with this address.\n\nTo sign in, open this link and press "Sign in":\n${url}\n\nThe link works once, within 15 minutes. If it was not you, ignore this message: nothing happens.\n`,
        html: page(site, `<p>Someone (we hope you) asked to sign in to comment on <strong>${siteName}</strong> with this address.</p>`
          + `<p><a href="${escape(url)}">Sign in to comment</a> (the page has a "Sign in" button).</p>`
          + '<p>The link works once, within 15 minutes. If it was not you, ignore this message: nothing happens.</p>', siteName),
        headers,
      };
    }
    case 'comments': {
      const postUrl = `${site.baseUrl}/posts/${payload.postSlug}`;
      const items = payload.items;
      const replies = items.filter((i) => i.replyToYou).length;
      const subject = items.length === 1 && replies === 1
        ? `[${site.title}] ${items[0]!.author} replied to you on “${payload.postTitle}”`
        : `[${site.title}] ${plural(items.length, 'A new comment', 'new comments')} on “${payload.postTitle}”`;
      const link = (i: CommentItem) => `${site.baseUrl}/comments/${i.commentId}`;
      const says = (i: CommentItem) => (i.replyToYou ? `${i.author} replied to your comment` : `${i.author} wrote`);
      return {
        subject,
        text: items.map((i) => `${says(i)}:\n\n${i.text}\n\n${link(i)}`).join('\n\n----\n\n') + `\n\nThe post: ${postUrl}${leaveText}`,
        html: page(site, items.map((i) => `<p><strong>${escape(says(i))}:</strong></p><blockquote>${i.html}</blockquote>`
          + `<p><a href="${escape(link(i))}">See the comment</a></p>`).join('<hr>')
          + `<p>On <a href="${escape(postUrl)}">${escape(payload.postTitle)}</a>, ${siteName}.</p>`, leaveHtml),
        headers,
      };
    }
    case 'post': {
      const url = `${site.baseUrl}/posts/${payload.postSlug}`;
      return {
        subject: `[${site.title}] New post: ${payload.postTitle}`,
        text: `${payload.postTitle}${payload.author ? `\nby ${payload.author}` : ''}\n\n${payload.excerpt}\n\nRead it: ${url}${leaveText}`,
        html: page(site, `<h1><a href="${escape(url)}">${escape(payload.postTitle)}</a></h1>${payload.author ? `<p>by ${escape(payload.author)}</p>` : ''}<p>${escape(payload.excerpt)}</p>`
          + `<p><a href="${escape(url)}">Read it on ${siteName}</a></p>`, leaveHtml),
        headers,
      };
    }
    case 'held':
      return { ...queueMessage(site, payload.items, {
        status: 'pending',
        subject: (on) => `${plural(payload.items.length, 'A comment', 'comments')} held for moderation${on}`,
        line: (i) => `${i.author} wrote on “${i.postTitle}” (held: ${i.reason})`,
        lineHtml: (i) => `<strong>${escape(i.author)}</strong> wrote on “${escape(i.postTitle)}” (held: ${escape(i.reason)})`,
        action: { text: 'The moderation queue', html: 'Open the moderation queue' },
      }), headers };
    case 'reported': {
      const why = (i: ReportedItem) => (i.reason ? `the reader said: ${i.reason}` : 'no reason given');
      return { ...queueMessage(site, payload.items, {
        status: 'reported',
        subject: (on) => `${plural(payload.items.length, 'A comment was', 'comments were')} reported${on}`,
        line: (i) => `A reader reported ${i.author}'s comment on “${i.postTitle}” (${why(i)}). It is still shown`,
        lineHtml: (i) => `A reader reported <strong>${escape(i.author)}</strong>’s comment on “${escape(i.postTitle)}” (${escape(why(i))}). It is still shown`,
        action: { text: 'Keep it, hide it or mark it as spam', html: 'Keep it, hide it or mark it as spam' },
      }), headers };
    }
  }
}

/**
 * To the staff, about comments in one of the moderation queues: each comment's line and
 * text, the queue's address and the settings that turn these emails off.
 */
function queueMessage<I extends { postTitle: string; text: string }>(site: Site, items: readonly I[], o: {
  status: 'pending' | 'reported';
  subject: (on: string) => string;
  line: (item: I) => string;
  lineHtml: (item: I) => string;
  action: { text: string; html: string };
}): Omit<Built, 'headers'> {
  const queue = `${site.baseUrl}/admin/comments?status=${o.status}`;
  const settingsUrl = `${site.baseUrl}/admin/settings`;
  // A daily digest may span posts: the subject names one only when all are on it.
  const on = new Set(items.map((i) => i.postTitle)).size === 1 ? ` on “${items[0]!.postTitle}”` : '';
  return {
    subject: `[${site.title}] ${o.subject(on)}`,
    text: items.map((i) => `${o.line(i)}:\n\n${i.text}`).join('\n\n----\n\n')
      + `\n\n${o.action.text}: ${queue}\n\n-- \nThese emails can be turned off or made a daily digest in the settings: ${settingsUrl}\n`,
    html: page(site, items.map((i) => `<p>${o.lineHtml(i)}:</p><blockquote><pre style="white-space:pre-wrap">${escape(i.text)}</pre></blockquote>`).join('<hr>')
      + `<p><a href="${escape(queue)}">${o.action.html}</a></p>`,
    `These emails can be turned off or made a daily digest in the <a href="${escape(settingsUrl)}">settings</a>.`),
  };
}
