// Feeds as feed readers take them, the way WordPress's read: post items name their
// discussion (comments, wfw:commentRss, slash:comments), comment items their commenter;
// and the JSON Feed 1.1 beside RSS and Atom. Read with a real XML parser, and with
// Python's feedparser when the machine has it.
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, seedComment, type TestContext } from './helpers/index.js';

const BASE = 'https://blog.example.org';
let t: TestContext;
beforeEach(() => { t = makeTestApp({ BASE_URL: BASE }); });
afterEach(() => t.close());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'item' || name === 'entry' });

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

/** The text of an element that may carry attributes (its own namespace declaration). */
const textOf = (node: unknown): string => (typeof node === 'object' && node !== null ? String((node as { '#text': unknown })['#text']) : String(node));

/** A post with two approved comments, one held and one spam, and a draft beside it. */
async function discussedPost() {
  const author = await makeUser(t.repos, 'author', 'ada');
  t.db.prepare("UPDATE users SET email = 'ada@example.org', display_name = 'Ada Lovelace' WHERE id = ?").run(author.id);
  const id = makePost(t, author, { title: 'Moss in winter', body_md: 'Green.\n\n![Moss](/uploads/moss.png)', excerpt: 'Why moss stays green', tags: ['Botany'] });
  seedComment(t.repos, id, { author_name: 'Grace & <Hopper>', author_email: 'grace@example.com', body_md: 'First!' });
  seedComment(t.repos, id, { author_name: 'Alan', author_email: 'alan@example.com', body_md: 'Second.' });
  seedComment(t.repos, id, { author_name: 'Held Harry', author_email: 'harry@example.com', body_md: 'held words 7731', status: 'pending' });
  seedComment(t.repos, id, { author_name: 'Spam Sam', body_md: 'spam words 8842', status: 'spam' });
  makePost(t, author, { title: 'Secret draft 4410', status: 'draft' });
  return id;
}

describe('the site feed in RSS', () => {
  it('gives each post its thread, its comment feed and its approved count, in their namespaces', async () => {
    await discussedPost();
    const res = await request(t.app).get('/feed');
    const doc = parse(res.text);
    const [item] = doc.rss.channel.item;
    expect(item.comments).toBe(`${BASE}/posts/moss-in-winter#comments`);
    expect(item['wfw:commentRss']).toMatchObject({ '#text': `${BASE}/posts/moss-in-winter/feed`, '@xmlns:wfw': 'http://wellformedweb.org/CommentAPI/' });
    expect(item['slash:comments']).toMatchObject({ '#text': 2, '@xmlns:slash': 'http://purl.org/rss/1.0/modules/slash/' });
    expect(item['dc:creator']).toBe('Ada Lovelace');
    expect(doc.rss['@xmlns:dc']).toBe('http://purl.org/dc/elements/1.1/');
    // The comment feed it names is there, and holds what the count says.
    const thread = parse((await request(t.app).get('/posts/moss-in-winter/feed')).text);
    expect(thread.rss.channel.item).toHaveLength(2);
  });
});

describe('the comment feeds', () => {
  it('name each commenter as dc:creator, never an email, and nothing held or spam', async () => {
    await discussedPost();
    for (const path of ['/posts/moss-in-winter/feed', '/comments/feed']) {
      const res = await request(t.app).get(path);
      const doc = parse(res.text);
      const creators = doc.rss.channel.item.map((i: Record<string, unknown>) => i['dc:creator']);
      expect(creators.map(textOf), path).toEqual(['Alan', 'Grace & <Hopper>']);
      expect(creators[0]['@xmlns:dc'], path).toBe('http://purl.org/dc/elements/1.1/');
      expect(res.text, path).not.toMatch(/@example\.(com|org)|Held Harry|held words|Spam Sam|spam words/);
    }
  });
});

interface JsonFeed {
  version: string;
  title: string;
  home_page_url: string;
  feed_url: string;
  description?: string;
  items: {
    id: string; url: string; title: string; content_html: string; summary?: string; image?: string;
    date_published: string; date_modified: string; authors: { name: string }[]; tags?: string[];
  }[];
}

describe('GET /feed/json (JSON Feed 1.1)', () => {
  it('lists the same posts as RSS and Atom, with authors, tags, image and absolute links', async () => {
    await discussedPost();
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Older', published_at: new Date(Date.now() - 3_600_000) });
    const res = await request(t.app).get('/feed/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(res.text) as JsonFeed;
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1', title: 'Colloquy', home_page_url: `${BASE}/`, feed_url: `${BASE}/feed/json`,
      description: 'Writing in public, talking it over',
    });
    const [moss] = feed.items;
    expect(moss).toMatchObject({
      url: `${BASE}/posts/moss-in-winter`, title: 'Moss in winter', summary: 'Why moss stays green', image: `${BASE}/uploads/moss.png`,
      authors: [{ name: 'Ada Lovelace' }], tags: ['Botany'],
    });
    expect(moss!.content_html).toContain(`src="${BASE}/uploads/moss.png"`);
    expect(Date.parse(moss!.date_modified)).toBeGreaterThanOrEqual(Date.parse(moss!.date_published));

    const rss = parse((await request(t.app).get('/feed')).text).rss.channel.item;
    const atom = parse((await request(t.app).get('/feed/atom')).text).feed.entry;
    expect(feed.items.map((i) => i.url)).toEqual(rss.map((i: { link: string }) => i.link));
    expect(feed.items.map((i) => i.id)).toEqual(atom.map((e: { id: string }) => e.id));
    expect(res.text).not.toMatch(/Secret draft|@example\.(com|org)/);
  });

  it('is a valid empty feed for an empty blog', async () => {
    const feed = JSON.parse((await request(t.app).get('/feed/json')).text) as JsonFeed;
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items).toEqual([]);
  });
});

// An independent reader: Debian's python3-feedparser (.ci/run installs it), for Debian's own
// interpreter (a python3 earlier on the PATH, pyenv's say, does not see Debian's packages).
const PYTHON = '/usr/bin/python3';
const hasFeedparser = spawnSync(PYTHON, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0;

// One interpreter for every feed: starting Python and loading feedparser is the slow part.
const READ_FEEDS = `
import json, sys, feedparser
out = {}
for name, text in json.load(sys.stdin).items():
    d = feedparser.parse(text.encode("utf-8"))
    out[name] = {"bozo": bool(d.bozo), "entries": [{
        "title": e.get("title"), "author": e.get("author"), "comments": e.get("comments"),
        "commentRss": e.get("wfw_commentrss"), "count": e.get("slash_comments")} for e in d.entries]}
print(json.dumps(out))
`;

interface Read {
  bozo: boolean;
  entries: { title: string; author?: string; comments?: string; commentRss?: string; count?: string }[];
}

async function readWithFeedparser(paths: readonly string[]): Promise<Record<string, Read>> {
  const texts: Record<string, string> = {};
  for (const path of paths) texts[path] = (await request(t.app).get(path)).text;
  const run = spawnSync(PYTHON, ['-c', READ_FEEDS], { input: JSON.stringify(texts), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, Read>;
}

describe.skipIf(!hasFeedparser)('as Python feedparser reads them', () => {
  it('finds the author of every item, post and comment alike, and each post\'s discussion', async () => {
    await discussedPost();
    const paths = ['/feed', '/feed/atom', '/comments/feed', '/posts/moss-in-winter/feed'];
    const read = await readWithFeedparser(paths);
    for (const path of paths) {
      expect(read[path]!.bozo, path).toBe(false);
      expect(read[path]!.entries.length, path).toBeGreaterThan(0);
      for (const entry of read[path]!.entries) expect(entry.author, `${path}: ${entry.title}`).toBeTruthy();
    }
    expect(read['/feed']!.entries[0]).toMatchObject({
      author: 'Ada Lovelace', comments: `${BASE}/posts/moss-in-winter#comments`, commentRss: `${BASE}/posts/moss-in-winter/feed`, count: '2',
    });
    expect(read['/comments/feed']!.entries.map((c) => c.author)).toEqual(['Alan', 'Grace & <Hopper>']);
  }, 60_000);
});
