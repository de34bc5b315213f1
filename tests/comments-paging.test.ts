// Long threads for readers: `comments_per_page` splits a post's thread into pages of
// whole top-level threads (`?cpage=N`), and `/comments/:id` finds the page holding a comment.
import request from 'supertest';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countQueries, loginAs, makePost, makeTestApp, makeUser, pageTree, postForm, scriptToken, seedComment, type TestContext } from './helpers/index.js';
import type { User } from '../src/users/users-repository.js';
import { buildThread } from '../src/comments/comment-tree.js';
import { splitThreads } from '../src/comments/comment-pages.js';

const BASE = 'http://blog.example.org';
let t: TestContext;
let author: User;
let postId: number;
/** The ids of six top-level threads, oldest first; each has two replies, one nested under the other. */
let threads: { root: number; reply: number; nested: number }[];

beforeEach(async () => {
  t = makeTestApp({ BASE_URL: BASE });
  author = await makeUser(t.repos);
  postId = makePost(t, author, { title: 'Hello' });
  threads = [];
  for (let i = 0; i < 6; i++) {
    const root = seedComment(t.repos, postId, { author_name: `Root ${i}` });
    const reply = seedComment(t.repos, postId, { parent_id: root });
    threads.push({ root, reply, nested: seedComment(t.repos, postId, { parent_id: reply }) });
  }
});
afterEach(() => t.close());

const perPage = (n: number) => t.repos.settings.save({ comments_per_page: n });
/** Every comment id shown on a page, read from its nesting. */
const shownIds = (html: string) => {
  const ids: number[] = [];
  const walk = (nodes: ReturnType<typeof pageTree>) => nodes.forEach((n) => { ids.push(n.id); walk(n.children as ReturnType<typeof pageTree>); });
  walk(pageTree(html));
  return ids;
};
const all = (thread: { root: number; reply: number; nested: number }) => [thread.root, thread.reply, thread.nested];

describe('GET /comments/:id', () => {
  it('sends a comment on page 1 to the post itself and one on page 3 to ?cpage=3, where it shows', async () => {
    perPage(2);
    const first = await request(t.app).get(`/comments/${threads[0]!.nested}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`/posts/hello#comment-${threads[0]!.nested}`);

    const late = await request(t.app).get(`/comments/${threads[4]!.reply}`);
    expect(late.status).toBe(302);
    expect(late.headers.location).toBe(`/posts/hello?cpage=3#comment-${threads[4]!.reply}`);
    const page = await request(t.app).get(late.headers.location!.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<li id="comment-${threads[4]!.reply}" class="comment depth-2`);
  });

  it('leaves out ?cpage when the thread is not paged', async () => {
    const res = await request(t.app).get(`/comments/${threads[5]!.nested}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/posts/hello#comment-${threads[5]!.nested}`);
  });

  it('answers 404 alike for unknown, held, spam and trashed comments and for comments on posts the public cannot see', async () => {
    perPage(2);
    const draft = makePost(t, author, { title: 'Draft', status: 'draft' });
    const scheduled = makePost(t, author, { title: 'Later', published_at: new Date(Date.now() + 86_400_000) });
    const hidden = [
      seedComment(t.repos, postId, { status: 'pending' }),
      seedComment(t.repos, postId, { status: 'spam' }),
      seedComment(t.repos, postId, { status: 'trash' }),
      seedComment(t.repos, draft),
      seedComment(t.repos, scheduled),
    ];
    const unknown = await request(t.app).get('/comments/999999');
    expect(unknown.status).toBe(404);
    for (const id of hidden) {
      const res = await request(t.app).get(`/comments/${id}`);
      expect(res.status, String(id)).toBe(404);
      expect(res.headers.location, String(id)).toBeUndefined();
      expect(res.text, String(id)).toBe(unknown.text);
    }
    for (const bad of ['0', '01', 'abc', '-1', '1.5', '99999999999999999999']) {
      expect((await request(t.app).get(`/comments/${bad}`)).status, bad).toBe(404);
    }
  });

  it('leaves /comments/feed, /comments/token and the avatars theirs', async () => {
    expect((await request(t.app).get('/comments/feed')).headers['content-type']).toMatch(/application\/rss\+xml/);
    expect(await scriptToken(request.agent(t.app))).toMatch(/\S{10,}/);
    const avatar = /class="avatar" src="([^"]+)"/.exec((await request(t.app).get('/posts/hello')).text)![1]!;
    expect((await request(t.app).get(avatar)).headers['content-type']).toMatch(/^image\/svg\+xml/);
  });
});

describe('comments_per_page', () => {
  it('shows the oldest threads first, each whole, and counts the whole post in the heading', async () => {
    perPage(2);
    const pages = await Promise.all([1, 2, 3].map((n) => request(t.app).get(n === 1 ? '/posts/hello' : `/posts/hello?cpage=${n}`)));
    pages.forEach((page, i) => {
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h2 id="comments" class="comments-title">18 Responses</h2>');
      expect(shownIds(page.text)).toEqual([...all(threads[2 * i]!), ...all(threads[2 * i + 1]!)]);
    });
    expect((await request(t.app).get('/posts/hello?cpage=1')).text).toContain(`id="comment-${threads[0]!.root}"`);
  });

  it('never splits a thread, however many replies it has', async () => {
    perPage(1);
    const replies: number[] = [];
    let parent = threads[1]!.nested;
    for (let i = 0; i < 12; i++) replies.push(parent = seedComment(t.repos, postId, { parent_id: i % 3 === 0 ? threads[1]!.root : parent }));
    const page2 = shownIds((await request(t.app).get('/posts/hello?cpage=2')).text);
    expect(page2.sort((a, b) => a - b)).toEqual([...all(threads[1]!), ...replies].sort((a, b) => a - b));
    for (const n of [1, 3, 4, 5, 6]) {
      const shown = shownIds((await request(t.app).get(`/posts/hello?cpage=${n}`)).text);
      expect(shown, String(n)).toEqual(all(threads[n - 1]!));
    }
  });

  it('links the pages under the thread for comments, with a canonical link from page 2 on', async () => {
    perPage(2);
    const first = (await request(t.app).get('/posts/hello')).text;
    expect(first).toContain(`<link rel="canonical" href="${BASE}/posts/hello">`);
    expect(first).toContain('<nav class="pagination" aria-label="Comment pages">');
    expect(first).toContain('<a class="pagination-next" rel="next" href="/posts/hello?cpage=2#comments">Newer comments →</a>');
    expect(first).not.toContain('Older comments');
    // Under the thread, before the form.
    expect(first.indexOf('aria-label="Comment pages"')).toBeGreaterThan(first.indexOf(`id="comment-${threads[1]!.nested}"`));
    expect(first.indexOf('aria-label="Comment pages"')).toBeLessThan(first.indexOf('id="respond"'));

    const second = (await request(t.app).get('/posts/hello?cpage=2')).text;
    expect(second).toContain(`<link rel="canonical" href="${BASE}/posts/hello?cpage=2">`);
    expect(second).toContain('<a class="pagination-prev" rel="prev" href="/posts/hello#comments">← Older comments</a>');
    expect(second).toContain('<a class="pagination-next" rel="next" href="/posts/hello?cpage=3#comments">Newer comments →</a>');
    expect(second).toContain('Page 2 of 3');
  });

  it('answers 404 for ?cpage that is not a positive whole number or is past the last page', async () => {
    perPage(2);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '4', '99999999999', '2&cpage=3']) {
      expect((await request(t.app).get(`/posts/hello?cpage=${bad}`)).status, bad).toBe(404);
    }
    expect((await request(t.app).get('/posts/hello?cpage=3')).status).toBe(200);
    perPage(0);
    expect((await request(t.app).get('/posts/hello?cpage=1')).status).toBe(200);
    expect((await request(t.app).get('/posts/hello?cpage=2')).status).toBe(404);
    const whole = (await request(t.app).get('/posts/hello')).text;
    expect(shownIds(whole)).toHaveLength(18);
    expect(whole).not.toContain('class="pagination"');
  });

  it('opens the page holding the comment a reply link answers, with the form under it', async () => {
    perPage(2);
    const target = threads[5]!.reply;
    const res = await request(t.app).get(`/posts/hello?replyto=${target}`);
    expect(res.status).toBe(200);
    expect(shownIds(res.text)).toEqual([...all(threads[4]!), ...all(threads[5]!)]);
    expect(res.text).toContain(`<link rel="canonical" href="${BASE}/posts/hello?cpage=3">`);
    const li = res.text.indexOf(`id="comment-${target}"`);
    expect(res.text.indexOf('id="respond"')).toBeGreaterThan(li);
    expect(res.text.indexOf('id="respond"')).toBeLessThan(res.text.indexOf(`id="comment-${threads[5]!.nested}"`));
  });

  it('counts a removed comment kept for its visible replies as a thread, and never counts leaf spam', async () => {
    perPage(2);
    seedComment(t.repos, postId, { status: 'spam' });
    const removed = seedComment(t.repos, postId, { status: 'trash' });
    const answer = seedComment(t.repos, postId, { parent_id: removed });
    const res = await request(t.app).get(`/comments/${answer}`);
    expect(res.headers.location).toBe(`/posts/hello?cpage=4#comment-${answer}`);
    expect(shownIds((await request(t.app).get('/posts/hello?cpage=4')).text)).toEqual([removed, answer]);
    expect((await request(t.app).get('/posts/hello?cpage=5')).status).toBe(404);
  });

  it('sends a reader whose comment is published to the page that shows it', async () => {
    perPage(2);
    t.repos.settings.save({ comment_min_seconds: 0, comment_moderation: 'none' });
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const res = await agent.post('/posts/hello/comments').type('form')
      .send({ _csrf: token, author: 'Ann', email: 'ann@example.com', comment: 'Late to this.' });
    expect(res.status).toBe(303);
    const id = (t.db.prepare('SELECT max(id) AS id FROM comments').get() as { id: number }).id;
    expect(res.headers.location).toBe(`/posts/hello?cpage=4#comment-${id}`);
  });

  it('keeps the page\'s query count when the thread is paged', async () => {
    const whole = await countQueries(t.db, () => request(t.app).get('/posts/hello'));
    perPage(2);
    const paged = await countQueries(t.db, () => request(t.app).get('/posts/hello?cpage=2'));
    expect(paged.result.status).toBe(200);
    // Paging is read from the settings the page loads anyway, and the thread is still one read.
    expect(paged.count).toBe(whole.count);
  });

  it('keeps pages the same for every reader: a reader\'s own held thread moves nobody else\'s', () => {
    const held = { id: 100, parent_id: null, status: 'pending' as const, author_name: 'Me', created_at: '2026-01-01T00:00:00.500Z' };
    const comments = [
      { id: 1, parent_id: null, status: 'approved' as const, author_name: 'A', created_at: '2026-01-01T00:00:00.000Z' },
      held,
      { id: 2, parent_id: null, status: 'approved' as const, author_name: 'B', created_at: '2026-01-01T00:00:01.000Z' },
      { id: 3, parent_id: null, status: 'approved' as const, author_name: 'C', created_at: '2026-01-01T00:00:02.000Z' },
    ];
    const ids = (pages: ReturnType<typeof splitThreads>) => pages.map((p) => p.map((n) => n.comment.id));
    expect(ids(splitThreads(buildThread(comments, { maxDepth: 5 }).roots, 1))).toEqual([[1], [2], [3]]);
    expect(ids(splitThreads(buildThread(comments, { maxDepth: 5, ownPending: new Set([100]) }).roots, 1))).toEqual([[1], [100, 2], [3]]);
    expect(ids(splitThreads(buildThread([], { maxDepth: 5 }).roots, 3))).toEqual([[]]);
  });
});

describe('comment feeds', () => {
  const parser = new XMLParser({ isArray: (name) => name === 'item' });
  const links = (xml: string) => (parser.parse(xml).rss.channel.item as { link: string; guid: string }[]).map((i) => [i.link, i.guid]);

  it('link every comment through /comments/ID under BASE_URL, which survives paging', async () => {
    perPage(2);
    const newest = threads[5]!.nested;
    for (const path of ['/posts/hello/feed', '/comments/feed']) {
      const items = links((await request(t.app).get(path)).text);
      expect(items[0], path).toEqual([`${BASE}/comments/${newest}`, `${BASE}/comments/${newest}`]);
      for (const [link] of items) expect(link, path).toMatch(new RegExp(`^${BASE}/comments/\\d+$`));
    }
    const res = await request(t.app).get(`/comments/${newest}`);
    expect(res.headers.location).toBe(`/posts/hello?cpage=3#comment-${newest}`);
  });
});

describe('the setting', () => {
  it('is on the settings page, takes 0 to 1000 and refuses anything else by its field', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    expect((await agent.get('/admin/settings')).text).toMatch(/<input id="comments_per_page" name="comments_per_page" type="number"[^>]* value="0"/);
    for (const bad of ['-1', '1001', 'ten', '2.5', '']) {
      const res = await postForm(agent, '/admin/settings', { comments_per_page: bad }, '/admin/settings');
      expect(res.status, bad).toBe(422);
      expect(res.text, bad).toContain('id="comments_per_page-error"');
      expect(res.text, bad).toContain('Comment threads per page must be a whole number from 0 to 1000.');
      expect(t.repos.settings.load().comments_per_page, bad).toBe(0);
    }
    expect((await postForm(agent, '/admin/settings', { comments_per_page: '25' }, '/admin/settings')).status).toBe(303);
    expect(t.repos.settings.load().comments_per_page).toBe(25);
    expect((await postForm(agent, '/admin/settings', { comments_per_page: '0' }, '/admin/settings')).status).toBe(303);
    expect(t.repos.settings.load().comments_per_page).toBe(0);
  });
});
