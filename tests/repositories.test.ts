// The repositories on a fresh temporary database file each: what they store and find.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../src/users/users-repository.js';
import { DEFAULT_SETTINGS } from '../src/settings/settings.js';
import { openDatabase } from '../src/db/open.js';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

let t: TestContext;
let author: User;
beforeEach(async () => {
  t = makeTestApp();
  author = await makeUser(t.repos, 'author', 'writer');
});
afterEach(() => t.close());

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('posts', () => {
  it('makes unique slugs from titles: -2, -3 on a clash', () => {
    const ids = [1, 2, 3].map(() => makePost(t, author, { title: 'Same Title!' }));
    expect(ids.map((id) => t.repos.posts.findById(id)?.slug)).toEqual(['same-title', 'same-title-2', 'same-title-3']);
    const own = makePost(t, author, { title: 'Anything', slug: 'Chosen Slug' });
    expect(t.repos.posts.findById(own)?.slug).toBe('chosen-slug');
  });

  it('renders Markdown at write time, sanitised, beside the source, with a summary', () => {
    const id = makePost(t, author, { body_md: 'Hello **there**.\n\n<script>alert(1)</script><img src=x onerror=alert(1)>' });
    const post = t.repos.posts.findById(id)!;
    expect(post.body_md).toContain('<script>');
    expect(post.body_html).toContain('<strong>there</strong>');
    expect(post.body_html).not.toMatch(/<script|onerror/);
    expect(post.summary).toBe('Hello there.');
    const structured = makePost(t, author, { body_md: '## A heading\n\nFirst words.\n\n```\ncode();\n```\n\n| a |\n|---|\n| b |\n\nLast *words*.' });
    expect(t.repos.posts.findById(structured)!.summary).toBe('First words. Last words.');
    // Blocks keep their breaks: list items and paragraphs never run into one sentence.
    const listed = makePost(t, author, { body_md: 'In spring:\n\n- Prune leaves early\n- Water the soil\n  - twice (morning)\n- Feed “weekly.”\n\nThen *wait*  \nand see\n\n> Quoted words' });
    expect(t.repos.posts.findById(listed)!.summary).toBe('In spring: Prune leaves early. Water the soil. twice (morning). Feed “weekly.” Then wait and see. Quoted words');
    // A summary made by the older rule is made again once, at the next start.
    const old = t.repos.posts.findById(listed)!;
    t.repos.posts.setRendered(listed, old.body_html, 'In spring: Prune leaves early Water the soil');
    expect(t.services.posts.refreshSummaries(t.repos.settings)).toBe(1);
    expect(t.repos.posts.findById(listed)!.summary).toBe(old.summary);
    t.repos.posts.setRendered(listed, old.body_html, 'Left alone');
    expect(t.services.posts.refreshSummaries(t.repos.settings)).toBe(0);
    expect(t.repos.posts.findById(listed)!.summary).toBe('Left alone');
    const withExcerpt = makePost(t, author, { excerpt: '  My own excerpt. ' });
    expect(t.repos.posts.findById(withExcerpt)!.summary).toBe('My own excerpt.');
  });

  it('records a redirect when a slug changes, reserves the old slug, and lets the post take it back', () => {
    const id = makePost(t, author, { title: 'First name' });
    const draft = { kind: 'post' as const, author_id: author.id, body_md: 'x', excerpt: '', tags: [], status: 'published' as const, published_at: new Date(Date.now() - HOUR), comments_open: true };
    t.services.posts.update(id, { ...draft, title: 'Second name', slug: '' });
    expect(t.repos.posts.findById(id)!.slug).toBe('second-name');
    expect(t.repos.posts.findPublicRedirect('first-name')).toBe('second-name');
    // Someone else's old slug is taken: a new post titled the same gets -2.
    const other = makePost(t, author, { title: 'First name' });
    expect(t.repos.posts.findById(other)!.slug).toBe('first-name-2');
    // Renaming again follows the chain: both old slugs lead to the newest.
    t.services.posts.update(id, { ...draft, title: 'Third name', slug: '' });
    expect(t.repos.posts.findPublicRedirect('first-name')).toBe('third-name');
    expect(t.repos.posts.findPublicRedirect('second-name')).toBe('third-name');
    // Taking an old slug back drops its redirect.
    t.services.posts.update(id, { ...draft, title: 'Back', slug: 'second-name' });
    expect(t.repos.posts.findById(id)!.slug).toBe('second-name');
    expect(t.repos.posts.findPublicRedirect('second-name')).toBeUndefined();
    expect(t.repos.posts.findPublicRedirect('third-name')).toBe('second-name');
  });

  it('shows a scheduled post only once its time has come, with no restart', () => {
    const at = Date.now() + HOUR;
    makePost(t, author, { title: 'Scheduled', published_at: new Date(at) });
    expect(t.repos.posts.findPublicBySlug('scheduled', iso(at - 1000))).toBeUndefined();
    expect(t.repos.posts.countPublic({ kind: 'all' }, iso(at - 1000))).toBe(0);
    expect(t.repos.posts.findPublicBySlug('scheduled', iso(at))?.title).toBe('Scheduled');
    expect(t.repos.posts.countPublic({ kind: 'all' }, iso(at + 1000))).toBe(1);
  });

  it('lists public posts newest first, by tag and by period, with counts that match', () => {
    const base = Date.UTC(2025, 2, 15, 12);
    makePost(t, author, { title: 'March one', published_at: new Date(base), tags: ['Cats'] });
    makePost(t, author, { title: 'March two', published_at: new Date(base + HOUR), tags: ['Cats', 'Dogs'] });
    makePost(t, author, { title: 'April', published_at: new Date(Date.UTC(2025, 3, 2)), tags: ['Dogs'] });
    makePost(t, author, { title: 'Draft', status: 'draft', published_at: new Date(base), tags: ['Cats'] });
    makePost(t, author, { title: 'About', kind: 'page', published_at: new Date(base) });
    const titles = (rows: { title: string }[]) => rows.map((r) => r.title);

    expect(titles(t.repos.posts.listPublic({ kind: 'all' }, 10, 0))).toEqual(['April', 'March two', 'March one']);
    expect(t.repos.posts.countPublic({ kind: 'all' })).toBe(3);
    expect(titles(t.repos.posts.listPublic({ kind: 'all' }, 2, 1))).toEqual(['March two', 'March one']);

    const cats = t.repos.tags.findBySlug('cats')!;
    expect(titles(t.repos.posts.listPublic({ kind: 'tag', tagId: cats.id }, 10, 0))).toEqual(['March two', 'March one']);
    expect(t.repos.posts.countPublic({ kind: 'tag', tagId: cats.id })).toBe(2);

    const march = { kind: 'period' as const, from: iso(Date.UTC(2025, 2, 1)), to: iso(Date.UTC(2025, 3, 1)) };
    expect(titles(t.repos.posts.listPublic(march, 10, 0))).toEqual(['March two', 'March one']);
    expect(t.repos.posts.countPublic(march)).toBe(2);

    expect(t.repos.posts.listPublicPages()).toEqual([{ title: 'About', slug: 'about' }]);
  });

  it('counts only approved comments on a listed post', () => {
    const id = makePost(t, author, { title: 'Talked about' });
    const comment = { post_id: id, parent_id: null, user_id: null, author_name: 'R', author_email: 'r@example.org', author_url: '', body_md: 'hi', body_html: '<p>hi</p>', held_reason: '', ip_hash: '', user_agent: '' };
    for (const status of ['approved', 'approved', 'pending', 'spam', 'trash'] as const) t.repos.comments.insert({ ...comment, status });
    expect(t.repos.posts.listPublic({ kind: 'all' }, 10, 0)[0]?.comment_count).toBe(2);
    expect(t.repos.posts.findPublicBySlug('talked-about')?.comment_count).toBe(2);
  });
});

describe('tags', () => {
  it('replaces a post\u2019s tags, merges names that make one slug, and prunes tags nothing uses', () => {
    const a = makePost(t, author, { tags: ['Node.js', 'node js', 'SQLite', '  ', '!!!'] });
    const b = makePost(t, author, { tags: ['SQLite'] });
    const names = (id: number) => t.repos.tags.forPosts([id]).get(id)!.map((tag) => `${tag.slug}:${tag.name}`);
    expect(names(a)).toEqual(['node-js:Node.js', 'sqlite:SQLite']);
    expect(t.repos.tags.forPosts([a, b, 999])).toEqual(new Map([
      [a, [expect.objectContaining({ slug: 'node-js' }), expect.objectContaining({ slug: 'sqlite' })]],
      [b, [expect.objectContaining({ slug: 'sqlite' })]],
      [999, []],
    ]));
    const draft = { kind: 'post' as const, author_id: author.id, title: 'A post', slug: '', body_md: 'x', excerpt: '', status: 'published' as const, published_at: null, comments_open: true };
    t.services.posts.update(a, { ...draft, tags: ['Rust'] });
    expect(names(a)).toEqual(['rust:Rust']);
    expect(t.repos.tags.findBySlug('node-js')).toBeUndefined();
    expect(t.repos.tags.findBySlug('sqlite')).toBeDefined();
    expect(t.repos.tags.forPosts([])).toEqual(new Map());
  });
});

describe('users', () => {
  it('finds people by name regardless of case, and changes role and password', async () => {
    expect(t.repos.users.findByUsername('WRITER')?.id).toBe(author.id);
    expect(t.repos.users.countAdmins()).toBe(0);
    t.repos.users.setRole(author.id, 'admin');
    expect(t.repos.users.countAdmins()).toBe(1);
    t.repos.users.setPasswordHash(author.id, 'scrypt$new');
    expect(t.repos.users.findById(author.id)?.password_hash).toBe('scrypt$new');
    expect(() => t.repos.users.create({ username: 'Writer', display_name: 'x', password_hash: 'x', role: 'author' })).toThrow(/UNIQUE/);
    await makeUser(t.repos, 'author', 'aaron');
    expect(t.repos.users.list().map((u) => u.username)).toEqual(['aaron', 'writer']);
  });
});

describe('settings', () => {
  it('falls back to defaults, prefers stored values, and ignores a stored value that no longer parses', () => {
    expect(t.repos.settings.load()).toEqual(DEFAULT_SETTINGS);
    t.repos.settings.save({ title: 'My blog', thread_depth: 3, comments_open_default: false });
    expect(t.repos.settings.load()).toMatchObject({ title: 'My blog', thread_depth: 3, comments_open_default: false });
    // Written by another connection (another worker, the command line), as this one never writes them.
    const other = openDatabase(t.config.databasePath);
    other.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('thread_depth', '99'), ('timezone', 'Mars/Olympus'), ('unknown', 'x')").run();
    const loaded = t.repos.settings.load();
    expect(loaded.thread_depth).toBe(DEFAULT_SETTINGS.thread_depth);
    expect(loaded.timezone).toBe('UTC');
    expect(loaded).not.toHaveProperty('unknown');
    // Kept between reads, and followed at once when another connection changes them.
    other.prepare("UPDATE settings SET value = 'Another title' WHERE key = 'title'").run();
    expect(t.repos.settings.load().title).toBe('Another title');
    other.close();
    const copy = t.repos.settings.load();
    copy.title = 'changed by a caller';
    expect(t.repos.settings.load().title).toBe('Another title');
  });

  it('keeps internal values apart from settings', () => {
    expect(t.repos.settings.getInternal('session_secret')).toBeUndefined();
    t.repos.settings.setInternal('session_secret', 's3cret');
    expect(t.repos.settings.getInternal('session_secret')).toBe('s3cret');
    expect(t.repos.settings.load()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('sessions', () => {
  it('reads live sessions only, and prunes the expired ones', () => {
    const now = Date.now();
    t.repos.sessions.set('live', '{"a":1}', now + 1000);
    t.repos.sessions.set('dead', '{"b":2}', now - 1);
    expect(t.repos.sessions.get('live', now)).toBe('{"a":1}');
    expect(t.repos.sessions.get('dead', now)).toBeUndefined();
    expect(t.repos.sessions.get('live', now + 1000)).toBeUndefined();
    t.repos.sessions.touch('live', now + 5000);
    expect(t.repos.sessions.get('live', now + 1000)).toBe('{"a":1}');
    expect(t.repos.sessions.countLive(now)).toBe(1);
    expect(t.repos.sessions.prune(now)).toBe(1);
    t.repos.sessions.destroy('live');
    expect(t.repos.sessions.countLive(now)).toBe(0);
  });

  it('moves an expiry on a touch only when it moves by more than the slack', () => {
    const now = Date.now();
    t.repos.sessions.set('s', '{}', now + 10_000);
    t.repos.sessions.touch('s', now + 30_000, 60_000);
    expect(t.repos.sessions.get('s', now + 10_000)).toBeUndefined();
    t.repos.sessions.touch('s', now + 80_000, 60_000);
    expect(t.repos.sessions.get('s', now + 79_000)).toBe('{}');
    expect(t.repos.sessions.get('s', now + 80_000)).toBeUndefined();
  });
});
