// The post page's discussion as a pure view model: plain values in, what the page shows out.
import { describe, expect, it } from 'vitest';
import { NEUTRAL_AVATAR } from '../src/comments/avatar.js';
import { EMPTY_FORM, decodeRemembered, encodeRemembered } from '../src/comments/commenter-cookies.js';
import type { Comment, ThreadRow } from '../src/comments/comments-repository.js';
import { buildThread } from '../src/comments/comment-tree.js';
import { buildDiscussion, type DiscussionInput } from '../src/comments/discussion.js';

let nextId = 1;
function comment(over: Partial<Comment> = {}): Comment {
  const id = nextId++;
  return {
    id, post_id: 1, parent_id: null, user_id: null, author_name: `Reader ${id}`, author_email: `r${id}@example.org`, email_key: `r${id}@example.org`,
    author_url: '', body_md: 'Hi.', body_html: '<p>Hi.</p>', status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
    created_at: `2025-01-01T00:00:${String(id).padStart(2, '0')}.000Z`, updated_at: '2025-01-01T00:00:00.000Z',
    ...over,
  } as Comment;
}

/** What a page's route hands in; `comments` are the rows read for this reader, threaded here as the route threads them. */
type Input = Partial<DiscussionInput> & { comments?: Comment[] };

function input({ comments = [], ...over }: Input = {}): DiscussionInput {
  return {
    post: { id: 1, slug: 'hello', comments_open: 1, likes_open: 1, author_id: 7 },
    thread: buildThread(comments as ThreadRow[], { maxDepth: 5, ownPending: new Set(over.heldIds ?? []) }),
    threadsPerPage: 0,
    page: 1,
    heldIds: [],
    likes: { count: 0, liked: false },
    replyToId: undefined,
    unapprovedId: undefined,
    reportedNotice: false,
    remembered: EMPTY_FORM,
    viewer: undefined,
    csrfToken: '',
    stamp: 'stamp',
    signIn: null,
    avatarOf: (key) => `/avatar/${key}`,
    ...over,
  };
}

/** The discussion for a page that exists. */
function discussion(over: Input = {}) {
  const d = buildDiscussion(input(over));
  if (!d) throw new Error('no such page of the thread');
  return d;
}

describe('buildDiscussion', () => {
  it('counts approved comments in the heading and words the likes', () => {
    const held = comment({ status: 'pending' });
    const d = discussion({ comments: [comment(), comment(), held], likes: { count: 1, liked: true } });
    expect(d.heading).toBe('2 Responses');
    expect(d.likes).toEqual({ text: '1 blogger likes this', liked: true });
    expect(discussion().heading).toBe('No Responses');
    expect(d.feedHref).toBe('/posts/hello/feed');
  });

  it('aims the form at an approved comment named by ?replyto, and at nothing else', () => {
    const parent = comment();
    const spam = comment({ status: 'spam' });
    const d = discussion({ comments: [parent, spam], replyToId: parent.id, remembered: { ...EMPTY_FORM, author: 'Ann', remember: true } });
    expect(d.form.replyTo).toEqual({ id: parent.id, name: parent.author_name });
    expect(d.form.values).toMatchObject({ author: 'Ann', comment_parent: String(parent.id) });
    expect(discussion({ comments: [parent, spam], replyToId: spam.id }).form.replyTo).toBeNull();
    expect(discussion({ replyToId: 999 }).form.values.comment_parent).toBe('0');
  });

  it('shows the held notice only for this browser’s own held comment', () => {
    const held = comment({ status: 'pending' });
    expect(discussion({ comments: [held], heldIds: [held.id], unapprovedId: held.id }).heldNotice).toBe(true);
    expect(discussion({ comments: [held], heldIds: [], unapprovedId: held.id }).heldNotice).toBe(false);
  });

  it('links to the desk for the post’s author and administrators, not for other authors', () => {
    expect(discussion({ viewer: { id: 7, role: 'author', display_name: 'Ann' } })).toMatchObject({ manage: true, form: { signedInAs: 'Ann' } });
    expect(discussion({ viewer: { id: 8, role: 'author', display_name: 'Bob' } }).manage).toBe(false);
    expect(discussion({ viewer: { id: 8, role: 'admin', display_name: 'Cy' } }).manage).toBe(true);
    expect(discussion()).toMatchObject({ manage: false, form: { signedInAs: null } });
  });

  it('draws avatars from the email key, or the name when there is none', () => {
    const d = discussion();
    expect(d.avatar(comment({ email_key: 'a@example.org' }))).toBe('/avatar/a@example.org');
    expect(d.avatar(comment({ email_key: '', author_name: 'Zed' }))).toBe('/avatar/name:Zed');
  });

  it('gives every comment not yet approved the neutral avatar, so a held comment confirms no guessed email', () => {
    const d = discussion();
    expect(d.avatar(comment({ email_key: 'a@example.org', status: 'pending' }))).toBe(NEUTRAL_AVATAR);
    expect(d.avatar(comment({ email_key: '', author_name: 'Zed', status: 'pending' }))).toBe(NEUTRAL_AVATAR);
  });
});

describe('the remembered commenter cookie', () => {
  it('round-trips name, email and website, and reads anything else as an empty form', () => {
    const raw = encodeRemembered({ author: ' Ann ', email: 'ann@example.org', url: '' });
    expect(decodeRemembered(raw)).toEqual({ ...EMPTY_FORM, author: 'Ann', email: 'ann@example.org', remember: true });
    expect(decodeRemembered(undefined)).toBe(EMPTY_FORM);
    expect(decodeRemembered('not base64 json')).toBe(EMPTY_FORM);
  });
});
