import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { makePost, makeTestApp, makeUser, type TestContext, countQueries, inputValue, pageTree, seedComment, scriptToken } from './helpers/index.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let author: User;
let postId: number;

beforeEach(async () => {
  t = makeTestApp({ BASE_URL: 'http://blog.example' });
  author = await makeUser(t.repos);
  postId = makePost(t, author, { title: 'Hello' });
});
afterEach(() => t.close());

const likesText = (html: string) => /<p class="likes"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];

describe('likes', () => {
  it('counts once per browser, with the contract\'s words, and works with a plain form post', async () => {
    expect(likesText((await request(t.app).get('/posts/hello')).text)).toBe('Be the first to like this');
    const reader = request.agent(t.app);
    const token = await scriptToken(reader);
    const first = await reader.post('/posts/hello/like').type('form').send({ _csrf: token });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/posts/hello#likes');
    expect(String(first.headers['set-cookie'])).toMatch(/colloquy_reader=[\w-]{16,}; .*HttpOnly.*SameSite=Lax/);
    expect(likesText((await reader.get('/posts/hello')).text)).toBe('1 blogger likes this');
    await reader.post('/posts/hello/like').type('form').send({ _csrf: token });
    expect(likesText((await reader.get('/posts/hello')).text)).toBe('1 blogger likes this');
    expect((await reader.get('/posts/hello')).text).toContain('aria-pressed="true"');

    // Another browser behind the same address counts too.
    const other = request.agent(t.app);
    const otherToken = await scriptToken(other);
    expect((await other.post('/posts/hello/like').type('form').send({ _csrf: otherToken })).status).toBe(303);
    expect(likesText((await request(t.app).get('/posts/hello')).text)).toBe('2 bloggers like this');
  });

  it('answers a like without a token with 403 and a one-click form, counting nothing', async () => {
    const agent = request.agent(t.app);
    const res = await agent.post('/posts/hello/like');
    expect(res.status).toBe(403);
    expect(res.text).toContain('action="/posts/hello/like"');
    const token = inputValue(res.text, '_csrf')!;
    expect(token).not.toBe('');
    expect(t.repos.likes.countForPost(postId)).toBe(0);
    expect((await agent.post('/posts/hello/like').type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.repos.likes.countForPost(postId)).toBe(1);
  });

  it('limits likes per address', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await agent.post('/posts/hello/like').type('form').send({ _csrf: token })).status;
    expect(last).toBe(429);
  });
});

describe('likes per address', () => {
  let proxied: TestContext;
  beforeEach(async () => {
    // Behind a proxy on loopback, each test reader's address comes from X-Forwarded-For.
    proxied = makeTestApp({ TRUST_PROXY: 'loopback' });
    const writer = await makeUser(proxied.repos);
    makePost(proxied, writer, { title: 'Hello' });
    makePost(proxied, writer, { title: 'Another' });
    proxied.repos.settings.save({ likes_per_address: 2 });
  });
  afterEach(() => proxied.close());

  const likeFrom = async (address: string, slug = 'hello', agent = request.agent(proxied.app)) => {
    const token = await scriptToken(agent);
    const res = await agent.post(`/posts/${slug}/like`).set('X-Forwarded-For', address).type('form').send({ _csrf: token });
    return { agent, res };
  };
  const stored = () => proxied.db.prepare('SELECT count(*) FROM likes').pluck().get();

  it('counts up to the setting from one address group per post, then refuses with a clear page and stores nothing', async () => {
    const { agent: first } = await likeFrom('2001:db8:5:5::1');
    expect((await likeFrom('2001:db8:5:5:aaaa::2')).res.status).toBe(303);
    const refused = await likeFrom('2001:db8:5:5::3');
    expect(refused.res.status).toBe(403);
    expect(refused.res.headers['retry-after']).toBeUndefined();
    expect(refused.res.text).toContain('Your like was not counted');
    expect(refused.res.text).toContain('This post already has 2 likes from your network');
    expect(refused.res.text).not.toContain('class="like-form"');
    expect(likesText(refused.res.text)).toBe('2 bloggers like this');
    expect(stored()).toBe(2);
    // A browser that already liked it is not refused: nothing changes for it.
    expect((await likeFrom('2001:db8:5:5::1', 'hello', first)).res.status).toBe(303);
    // Another network, and another post from the same one, still count.
    expect((await likeFrom('2001:db8:5:6::1')).res.status).toBe(303);
    expect((await likeFrom('2001:db8:5:5::3', 'another')).res.status).toBe(303);
    expect(stored()).toBe(4);
    expect(likesText((await request(proxied.app).get('/posts/hello')).text)).toBe('3 bloggers like this');
  });
});

describe('feeds', () => {
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false }).parse(xml) as { rss: { channel: { title: string; item?: unknown } } };
  const items = (xml: string) => {
    const item = parse(xml).rss.channel.item;
    return (Array.isArray(item) ? item : item ? [item] : []) as { title: string; link: string; description: string }[];
  };

  it('gives a post\'s approved comments as RSS 2.0, each linking to its comment, no emails', async () => {
    const a = seedComment(t.repos, postId, { author_name: 'Ann', author_email: 'secret@example.com', body_md: 'Nice *one*' });
    seedComment(t.repos, postId, { status: 'pending', body_md: 'held back' });
    seedComment(t.repos, postId, { status: 'spam', body_md: 'spam spam' });
    const res = await request(t.app).get('/posts/hello/feed');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/rss\+xml/);
    expect(parse(res.text).rss.channel.title).toBe('Comments on “Hello”');
    const list = items(res.text);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'Comment on “Hello” by Ann', link: `http://blog.example/comments/${a}` });
    expect(list[0]!.description).toContain('<em>one</em>');
    expect(res.text).not.toContain('secret@example.com');
    expect(res.text).not.toContain('held back');
  });

  it('gives the blog\'s newest approved comments at /comments/feed, leaving out unpublished posts', async () => {
    const draft = makePost(t, author, { title: 'Draft', status: 'draft' });
    seedComment(t.repos, postId, { body_md: 'public' });
    seedComment(t.repos, draft, { body_md: 'on a draft' });
    const list = items((await request(t.app).get('/comments/feed')).text);
    expect(list.map((i) => i.description)).toEqual(['<p>public</p>']);
  });

  it('is discovered from the post page and linked from the discussion', async () => {
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).toContain('<link rel="alternate" type="application/rss+xml" title="Comments on “Hello”" href="/posts/hello/feed">');
    expect(page.text).toContain('<a class="comments-feed-link" href="/posts/hello/feed">Subscribe to comments with RSS</a>');
  });
});

describe('the thread on the page', () => {
  it('shows names, UTC datetimes, permalinks, local avatars and never an email', async () => {
    t.repos.settings.save({ timezone: 'America/New_York' });
    const id = t.repos.comments.insert({
      post_id: postId, parent_id: null, user_id: null, author_name: 'Ann', author_email: 'ann@example.com', author_url: '',
      body_md: 'hi', body_html: '<p>hi</p>', status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
    }, '2010-10-07T19:14:00.000Z');
    const res = await request(t.app).get('/posts/hello');
    expect(res.text).toContain(`<a class="comment-permalink" href="#comment-${id}"><time datetime="2010-10-07T19:14:00.000Z">October 7, 2010 at 3:14 pm</time></a>`);
    const src = /<img class="avatar" src="(\/comments\/avatars\/[0-9a-f]{24}\.svg)"/.exec(res.text)?.[1];
    expect(src).toBeDefined();
    const svg = await request(t.app).get(src!);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toContain('immutable');
    expect(svg.body.toString()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.headers['set-cookie']).toBeUndefined();
    for (const bad of ['x.svg', '../../etc/passwd', `${'a'.repeat(24)}.png`, `${'A'.repeat(24)}.svg`]) {
      expect((await request(t.app).get(`/comments/avatars/${encodeURIComponent(bad)}`)).status, bad).toBe(404);
    }
    expect(res.text).not.toContain('ann@example.com');
    expect(res.text).not.toMatch(/gravatar|https?:\/\/[^"]*avatar/i);
  });

  it('gives the same email the same avatar and a different email a different one, unguessable from the address', async () => {
    seedComment(t.repos, postId, { author_email: 'a@example.com' });
    seedComment(t.repos, postId, { author_email: 'A@Example.com' });
    seedComment(t.repos, postId, { author_email: 'b@example.com' });
    const avatars = [...(await request(t.app).get('/posts/hello')).text.matchAll(/class="avatar" src="([^"]+)"/g)].map((m) => m[1]);
    expect(avatars).toHaveLength(3);
    expect(avatars[0]).toBe(avatars[1]);
    expect(avatars[0]).not.toBe(avatars[2]);
    const other = makeTestApp();
    try {
      const u = await makeUser(other.repos);
      const p = makePost(other, u, { title: 'Hello' });
      seedComment(other.repos, p, { author_email: 'a@example.com' });
      const elsewhere = /class="avatar" src="([^"]+)"/.exec((await request(other.app).get('/posts/hello')).text)?.[1];
      // Another blog (another key) draws another picture for the same address.
      expect(elsewhere).toMatch(/^\/comments\/avatars\/[0-9a-f]+\.svg$/);
      expect(elsewhere).not.toBe(avatars[0]);
    } finally {
      other.close();
    }
  });

  it('never breaks a page on template-looking text in any field', async () => {
    const nasty = '<%= process.exit() %> ${constructor} {{7*7}} %d %s %j %% 100%';
    seedComment(t.repos, postId, { author_name: nasty, body_md: nasty, author_url: 'https://x.example/%d' });
    const res = await request(t.app).get('/posts/hello');
    expect(res.status).toBe(200);
    expect(res.text).toContain('&lt;%= process.exit() %&gt; ${constructor} {{7*7}} %d %s %j %% 100%');
    expect((await request(t.app).get('/posts/hello/feed')).status).toBe(200);
  });

  it('renders 200 comments up to depth 6 correctly, with a query count independent of the comment count', async () => {
    t.repos.settings.save({ thread_depth: 6 });
    const small = makePost(t, author, { title: 'Small' });
    seedComment(t.repos, small);

    // 200 comments: 20 top-level, each with a chain of replies up to 9 deep (past the cap) and side branches.
    const parentOf = new Map<number, number | null>();
    const trueDepth = new Map<number, number>();
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) {
      const parent = i % 10 === 0 ? null : i % 10 < 8 ? ids[i - 1]! : ids[i - 1 - (i % 10) + 2]!;
      const id = seedComment(t.repos, postId, { parent_id: parent, author_name: `Name ${i}` });
      parentOf.set(id, parent);
      trueDepth.set(id, parent === null ? 1 : trueDepth.get(parent)! + 1);
      ids.push(id);
    }
    expect(Math.max(...trueDepth.values())).toBe(8);

    // Steady state: the first request after a settings save reads them, later ones keep them.
    await request(t.app).get('/');
    const smallRun = await countQueries(t.db, () => request(t.app).get('/posts/small'));
    const bigRun = await countQueries(t.db, () => request(t.app).get('/posts/hello'));
    const res = bigRun.result;
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h2 id="comments" class="comments-title">200 Responses</h2>');
    expect(bigRun.count).toBe(smallRun.count);
    expect(bigRun.sql.filter((s) => /FROM comments/.test(s) && !/count\(\*\)/.test(s))).toHaveLength(1);
    console.log(`post page with 200 comments: ${bigRun.count} queries (1 comment: ${smallRun.count})\n  ${bigRun.sql.map((s) => s.replace(/\s+/g, ' ').slice(0, 110)).join('\n  ')}`);

    // Read the nesting back from the HTML and check every comment against the rule.
    const seen = new Map<number, { depth: number; listedUnder: number | null }>();
    const walk = (nodes: ReturnType<typeof pageTree>, under: number | null, listDepth: number) => {
      for (const n of nodes) {
        expect(n.depth).toBe(listDepth);
        seen.set(n.id, { depth: n.depth, listedUnder: under });
        walk(n.children as ReturnType<typeof pageTree>, n.id, listDepth + 1);
      }
    };
    walk(pageTree(res.text), null, 1);
    expect(seen.size).toBe(200);
    for (const id of ids) {
      const shown = seen.get(id)!;
      const depth = trueDepth.get(id)!;
      expect(shown.depth).toBe(Math.min(depth, 6));
      if (depth <= 6) expect(shown.listedUnder).toBe(parentOf.get(id));
      else {
        // Flattened: listed under the ancestor at depth 5, saying whom it answers.
        let ancestor = parentOf.get(id)!;
        while (trueDepth.get(ancestor)! > 5) ancestor = parentOf.get(ancestor)!;
        expect(shown.listedUnder).toBe(ancestor);
        expect(res.text).toContain(`in reply to <a href="#comment-${parentOf.get(id)}">`);
      }
    }
  });
});

describe('the welcome post', () => {
  it('starts with a sample thread three levels deep, all approved', async () => {
    const { seedWelcome } = await import('../src/welcome.js');
    const id = seedWelcome(t, author.id);
    const slug = t.repos.posts.findById(id)!.slug;
    const res = await request(t.app).get(`/posts/${slug}`);
    expect(res.text).toContain('<h2 id="comments" class="comments-title">3 Responses</h2>');
    const tree = pageTree(res.text);
    expect(tree).toHaveLength(1);
    expect(tree[0]!.children).toHaveLength(1);
    expect((tree[0]!.children[0] as { children: unknown[] }).children).toHaveLength(1);
  });
});

describe('the thread read', () => {
  it('loads approved comments, the reader\'s own held ones and parents of replies, never leaf spam', () => {
    const approved = seedComment(t.repos, postId);
    const spamParent = seedComment(t.repos, postId, { status: 'spam' });
    const reply = seedComment(t.repos, postId, { parent_id: spamParent });
    const own = seedComment(t.repos, postId, { status: 'pending' });
    seedComment(t.repos, postId, { status: 'pending' });
    for (let i = 0; i < 5; i++) seedComment(t.repos, postId, { status: 'spam' });
    seedComment(t.repos, makePost(t, author, { title: 'Other' }));
    expect(t.repos.comments.listForReader(postId, [own]).map((c) => c.id)).toEqual([approved, spamParent, reply, own]);
    expect(t.repos.comments.listForReader(postId, []).map((c) => c.id)).toEqual([approved, spamParent, reply]);
  });
});
