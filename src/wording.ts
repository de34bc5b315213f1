// Every phrase the blog says in more than one place, written once: counts and plurals,
// the likes and responses lines, the moderation labels, the comment-feed titles.
// Pages reach it as `words` (app.locals); routes, feeds and the command line import it.
import type { CommentQueue } from './comments/comments-repository.js';
import type { ModerationAction } from './comments/moderation-actions.js';

/** "post" or "posts" for n of them; `many` for plurals that are not one + s. */
export const noun = (n: number, one: string, many = `${one}s`): string => (n === 1 ? one : many);

/** "1 post", "3 posts". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${noun(n, one, many)}`;

/** The `#comments` heading and every listing's comment count (approved comments). */
export const responsesText = (n: number): string => (n === 0 ? 'No Responses' : n === 1 ? '1 Response' : `${n} Responses`);

export const likesText = (n: number): string =>
  n === 0 ? 'Be the first to like this' : n === 1 ? '1 blogger likes this' : `${n} bloggers like this`;

/** What a reader is told once their report is in, on the page and in place. */
export const REPORT_THANKS = 'Thank you for your report. A moderator will look at the comment.';

// A form sent without a valid token (a first visit with no session, or an expired
// page) needs one more click. Nothing the reader did was wrong, so nothing says it was.
const PROTECT = 'To protect this form we need one more click from you.';

/** The one-more-click pages: each names what it is about and what the click does. */
export const ONE_MORE_CLICK = {
  comment: {
    title: 'One more click to post your comment',
    ready: `${PROTECT} Nothing is lost: everything you typed is below. Press “Post Comment” to send it.`,
    fix: `${PROTECT} While you are here, please correct what is marked below; everything you typed is kept.`,
  },
  like: (postTitle: string) => ({ title: `One more click to like “${postTitle}”`, message: `${PROTECT} Press “Like” and your like is counted.` }),
  report: (commenter: string) => ({
    title: `One more click to report ${commenter}’s comment`,
    message: `${PROTECT} Press “Send report” and a moderator will look at the comment.`,
  }),
  follow: { title: 'One more click to follow', message: `${PROTECT} Nothing was sent yet: press “Follow” and the confirmation email goes out.` },
  emailLink: { title: 'One more click for your sign-in link', message: `${PROTECT} Nothing was sent yet: press the button and the link goes out; what you typed is kept.` },
  logout: `${PROTECT} You are still signed in: press “Log out” to sign out as a commenter (nothing else changes).`,
} as const;

/** A post's comment feed: its `<link rel="alternate">` title and the feed's own title. */
export const commentsFeedTitle = (postTitle: string): string => `Comments on “${postTitle}”`;

/** Each moderation action: its button, its entry in the bulk menu, and what the flash says was done. */
export const MODERATION_LABELS: Readonly<Record<ModerationAction, { button: string; bulk: string; done: string }>> = {
  approve: { button: 'Approve', bulk: 'Approve', done: 'approved' },
  unapprove: { button: 'Unapprove', bulk: 'Unapprove', done: 'unapproved' },
  spam: { button: 'Spam', bulk: 'Mark as spam', done: 'marked as spam' },
  trash: { button: 'Trash', bulk: 'Move to trash', done: 'moved to the trash' },
  delete: { button: 'Delete for good', bulk: 'Delete for good', done: 'deleted for good' },
  dismiss: { button: 'Keep (dismiss reports)', bulk: 'Keep (dismiss reports)', done: 'kept, its reports dismissed' },
};

/** A reported comment's buttons, where they differ from the queue's: "Hide" moves it to the trash. */
export const REPORTED_BUTTONS: Readonly<Partial<Record<ModerationAction, string>>> = { trash: 'Hide' };

/** Each comment queue at the desk, in tab order: its tab, its dashboard count, the back link, an empty queue. */
export const STATUS_LABELS: Readonly<Record<CommentQueue, { tab: string; count: string; back: string; empty: string }>> = {
  pending: { tab: 'Waiting', count: 'waiting', back: 'waiting', empty: 'No comments are waiting. All caught up.' },
  reported: { tab: 'Reported', count: 'reported', back: 'reported', empty: 'No open reports. Readers have flagged nothing new.' },
  approved: { tab: 'Approved', count: 'approved', back: 'approved', empty: 'No approved comments yet.' },
  spam: { tab: 'Spam', count: 'spam', back: 'spam', empty: 'No spam. Nice.' },
  trash: { tab: 'Trash', count: 'in the trash', back: 'trashed', empty: 'The trash is empty.' },
};

/** What the views may use, as one object. */
export const WORDS = { noun, plural, responsesText, likesText, REPORT_THANKS, MODERATION_LABELS, REPORTED_BUTTONS, STATUS_LABELS } as const;
