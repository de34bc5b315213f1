// The blog's shared phrases: one place, so every page and feed says the same.
import { expect, it } from 'vitest';
import { commentsFeedTitle, likesText, MODERATION_LABELS, plural, responsesText, STATUS_LABELS } from '../src/wording.js';

it('counts responses, likes and anything else the WordPress way', () => {
  expect([0, 1, 2].map(responsesText)).toEqual(['No Responses', '1 Response', '2 Responses']);
  expect([0, 1, 7].map(likesText)).toEqual(['Be the first to like this', '1 blogger likes this', '7 bloggers like this']);
  expect([plural(1, 'reader'), plural(3, 'reader'), plural(2, 'pingback or trackback', 'pingbacks and trackbacks')])
    .toEqual(['1 reader', '3 readers', '2 pingbacks and trackbacks']);
  expect(commentsFeedTitle('Hello')).toBe('Comments on “Hello”');
});

it('labels every moderation action and every comment status', () => {
  expect(Object.keys(MODERATION_LABELS)).toEqual(['approve', 'unapprove', 'spam', 'trash', 'delete', 'dismiss']);
  expect(Object.keys(STATUS_LABELS)).toEqual(['pending', 'reported', 'approved', 'spam', 'trash']);
  expect(MODERATION_LABELS.spam).toEqual({ button: 'Spam', bulk: 'Mark as spam', done: 'marked as spam' });
});
