import fs from 'node:fs';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importWxr, WxrImportError, WxrImportStopped, wxrText } from '../src/wxr/import-wxr.js';
import { verifyPassword } from '../src/users/passwords.js';
import { makeTestApp, makeUser, type TestContext } from './helpers/index.js';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

const run = (xml: string, options?: { batchSize: number }) => importWxr(t, wxrText(xml), options);
const rows = (sql: string) => t.db.prepare(sql).all() as Record<string, unknown>[];
const count = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('importWxr: a WordPress export', async () => {
  it('imports authors, posts, pages, tags and comments with their statuses', async () => {
    const existing = await makeUser(t.repos, 'author', 'existing');
    const { counts } = await run(fixture('wordpress-export.xml'));
    expect(counts).toEqual({
      usersCreated: 1, usersMatched: 1, posts: 3, pages: 1, comments: 4,
      alreadyHere: { posts: 0, pages: 0, comments: 0 }, deletedHere: { posts: 0, pages: 0, comments: 0 }, skippedItems: 1, skippedComments: 1,
    });

    const head = t.repos.users.findByUsername('head')!;
    expect(head).toMatchObject({ display_name: 'Mrs Okafor', email: 'head@greenlane.example.org', role: 'author' });
    expect(await verifyPassword('', head.password_hash)).toBe(false);

    expect(rows('SELECT title, slug, kind, status, published_at, author_id, comments_open, excerpt FROM posts ORDER BY id')).toEqual([
      { title: 'Year 4 & the Science Museum', slug: 'year-4-science-museum', kind: 'post', status: 'published', published_at: '2024-09-02T09:00:00.000Z', author_id: head.id, comments_open: 1, excerpt: 'A day among the rockets.' },
      { title: 'About us', slug: 'about', kind: 'page', status: 'published', published_at: '2024-01-01T00:00:00.000Z', author_id: existing.id, comments_open: 0, excerpt: '' },
      { title: 'Half-written newsletter', slug: 'half-written-newsletter', kind: 'post', status: 'draft', published_at: null, author_id: head.id, comments_open: 1, excerpt: '' },
      { title: 'Sports day', slug: 'about-2', kind: 'post', status: 'published', published_at: '2099-07-01T09:00:00.000Z', author_id: head.id, comments_open: 1, excerpt: '' },
    ]);
    expect(rows("SELECT t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id WHERE p.slug = 'year-4-science-museum' ORDER BY t.name"))
      .toEqual([{ name: 'Trips' }, { name: 'Year 4' }]);

    const comments = rows(`SELECT c.author_name, c.author_email, c.status, c.created_at, c.body_md, c.user_id, c.ip_hash, p.author_name AS parent
      FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.created_at`);
    expect(comments.map((c) => [c.author_name, c.status, c.parent])).toEqual([
      ["Sam's dad", 'approved', null],
      ['Mrs Okafor', 'approved', "Sam's dad"],
      ['Cheap pills', 'spam', null],
      ['Waiting', 'pending', null],
    ]);
    expect(comments[0]!.body_md).toBe('Sam loved it & talked about [rockets](https://example.net/rockets) all weekend.\n\nSecond paragraph x().');
    expect(comments[0]!.created_at).toBe('2024-09-02T11:00:00.000Z');
    expect(comments[1]!.body_md).toBe('Thank you! It was *lovely*.');
    expect(comments[1]!.user_id).toBe(head.id);
    expect(comments.every((c) => c.ip_hash === '')).toBe(true);
  });

  it('renders the WordPress HTML body sanely on the post page', async () => {
    await run(fixture('wordpress-export.xml'));
    const res = await request(t.app).get('/posts/year-4-science-museum');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<p>Year 4 visited the <strong>Science Museum</strong> on Friday.</p>');
    expect(res.text).toContain('<ul><li>Rockets</li><li>Steam engines</li></ul>');
    expect(res.text).toContain('<p>A classic-editor paragraph with a <a href="https://www.sciencemuseum.org.uk/">link</a>.</p>');
    expect(res.text).not.toContain('wp:paragraph');
    expect(res.text).not.toContain('onclick');
    expect(res.text).not.toContain("alert('x')");
    expect(res.text).toContain('Year 4 &amp; the Science Museum');
  });

  it('reads a file with a single author, item, category and comment (WXR 1.1)', async () => {
    const { counts } = await run(fixture('wordpress-single.xml'));
    expect(counts).toMatchObject({ usersCreated: 1, posts: 1, comments: 1 });
    expect(rows('SELECT title, slug, body_md FROM posts')).toEqual([{ title: 'Only one', slug: 'only-one', body_md: 'Just this.' }]);
    expect(rows('SELECT name FROM tags')).toEqual([{ name: 'Solo' }]);
    expect(rows('SELECT author_name, status, body_html FROM comments')).toEqual([{ author_name: 'Reader', status: 'approved', body_html: '<p>Nice.</p>' }]);
  });

  it('keeps only http(s) commenter sites and reads a file that starts with a byte-order mark', async () => {
    const xml = `\uFEFF${fixture('wordpress-single.xml').replace('<wp:comment_author_email>', '<wp:comment_author_url>javascript:alert(1)</wp:comment_author_url><wp:comment_author_email>')}`;
    await run(xml);
    expect(rows('SELECT author_url FROM comments')).toEqual([{ author_url: '' }]);
  });

  it('gives items without an author to the first administrator', async () => {
    const admin = await makeUser(t.repos, 'admin', 'boss');
    await run(fixture('wordpress-single.xml').replace('<dc:creator>solo</dc:creator>', ''));
    expect(rows('SELECT author_id FROM posts')).toEqual([{ author_id: admin.id }]);
  });

  it('importing the same file twice imports nothing twice and keeps users matched', async () => {
    await run(fixture('wordpress-single.xml'));
    const again = (await run(fixture('wordpress-single.xml'))).counts;
    expect(again).toMatchObject({ usersCreated: 0, usersMatched: 1, posts: 0, comments: 0, alreadyHere: { posts: 1, pages: 0, comments: 1 } });
    expect(rows('SELECT slug FROM posts ORDER BY id')).toEqual([{ slug: 'only-one' }]);
  });
});

describe('importWxr: through the users and posts services', async () => {
  const single = fixture('wordpress-single.xml');

  it('renames a WordPress login that is not a usable name, reports it, and matches it on a second import', async () => {
    const xml = single.replaceAll('solo', 'José María');
    const report = await run(xml);
    expect(report.createdAuthors).toMatchObject([{ username: 'Jose-Maria', renamedFrom: 'José María' }]);
    expect(t.repos.users.findByUsername('Jose-Maria')).toMatchObject({ display_name: 'Solo', role: 'author' });
    expect(rows('SELECT u.username FROM posts p JOIN users u ON u.id = p.author_id')).toEqual([{ username: 'Jose-Maria' }]);
    expect(t.repos.audit.list(5, 0).map((e) => [e.action, e.user_id, e.detail])).toEqual([
      ['user.create', null, 'Jose-Maria as author, from a WordPress import (login “José María”)'],
    ]);
    const again = await run(xml);
    expect(again.createdAuthors).toEqual([]);
    expect(again.counts).toMatchObject({ usersCreated: 0, usersMatched: 1 });
  });

  it('keeps a login that fits, and cuts a long one to 60 characters', async () => {
    const long = `a${'b'.repeat(70)}`;
    expect((await run(single)).createdAuthors).toMatchObject([{ username: 'solo', renamedFrom: undefined }]);
    const report = await run(single.replaceAll('solo', long));
    expect(report.createdAuthors).toMatchObject([{ username: long.slice(0, 60), renamedFrom: long }]);
  });

  it('reports personal data in a published post and leaves it published; a draft is not checked', async () => {
    const xml = single
      .replace('<content:encoded><![CDATA[Just this.]]></content:encoded>', '<content:encoded><![CDATA[Write to jane.doe@example.org about it.]]></content:encoded>');
    const report = await run(xml);
    expect(report.personalData).toEqual([{ slug: 'only-one', title: 'Only one', findings: 'an email address' }]);
    expect(rows('SELECT status FROM posts')).toEqual([{ status: 'published' }]);
    expect((await run(xml.replace('<wp:status>publish</wp:status>', '<wp:status>draft</wp:status>'))).personalData).toEqual([]);
    expect((await run(single)).personalData).toEqual([]);
  });
});

describe('importWxr: files it must refuse, changing nothing', () => {
  const nothingStored = () => expect([count('users'), count('posts'), count('comments'), count('tags'), count('imported_posts')]).toEqual([0, 0, 0, 0, 0]);

  it.each([
    ['not XML at all', 'this is not xml', /not well-formed XML/],
    ['broken XML', '<rss><channel><item></channel></rss>', /not well-formed XML \(line 1/],
    ['plain RSS', '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>y</title></item></channel></rss>', /not a WordPress export/],
    ['an HTML page', '<html><body><p>hello</p></body></html>', /not a WordPress export/],
    ['empty', '', /not well-formed XML|not a WordPress export/],
  ])('%s', async (_name, xml, message) => {
    await expect(run(xml)).rejects.toThrow(WxrImportError);
    await expect(run(xml)).rejects.toThrow(message);
    nothingStored();
  });

  it('refuses a file with entity declarations (an entity bomb)', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 8 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>
      <rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&i;</title><wp:post_type>post</wp:post_type></item></channel></rss>`;
    await expect(run(bomb)).rejects.toThrow(/declares a DOCTYPE/);
    expect(count('posts')).toBe(0);
  });

  // The parser expands no declared entity: a declaration anywhere is refused, by name or as bad XML.
  it.each([
    ['behind a comment that names <rss>', '<?xml version="1.0"?><!-- <rss> --><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&a;</title></item></channel></rss>', /declares a DOCTYPE/],
    ['after the root element starts', '<rss xmlns:wp="http://wordpress.org/export/1.2/"><!DOCTYPE x><channel><item><title>x</title></item></channel></rss>', /not well-formed XML \(line 1, column \d+\): inappropriately located doctype/],
    ['an ENTITY on its own, in lower case', '<rss xmlns:wp="http://wordpress.org/export/1.2/"><!entity a "b"><channel></channel></rss>', /not well-formed XML/],
  ])('refuses a DOCTYPE or ENTITY declaration anywhere: %s', async (_name, xml, message) => {
    await expect(run(xml)).rejects.toThrow(WxrImportError);
    await expect(run(xml)).rejects.toThrow(message);
    nothingStored();
  });

  it('imports a post whose text shows "<!DOCTYPE html>" inside CDATA or a comment', async () => {
    const xml = fixture('wordpress-single.xml').replace('<content:encoded><![CDATA[', '<content:encoded><![CDATA[Start pages with <!DOCTYPE html>. ').replace('<channel>', '<channel><!-- no <!DOCTYPE here -->');
    expect(xml).toContain('<!DOCTYPE html>');
    await run(xml);
    expect(rows('SELECT body_md FROM posts')).toEqual([{ body_md: expect.stringContaining('Start pages with <!DOCTYPE html>.') }]);
  });

  it('reads past 200,000 comments and CDATA sections to a declaration at the very end', async () => {
    const body = '<!-- x --><![CDATA[ <!-- ]]>'.repeat(200_000);
    await expect(run(`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>${body}</channel></rss><!DOCTYPE x>`)).rejects.toThrow(/doctype/);
  });

  it.each([
    ['truncated', (xml: string) => xml.slice(0, xml.lastIndexOf('<item>') + 200), /not well-formed XML \(line \d+, column \d+\): unclosed tag/],
    ['a post date that is not a date', (xml: string) => xml.replace('<wp:post_date_gmt><![CDATA[2024-09-02 09:00:00]]>', '<wp:post_date_gmt><![CDATA[2024-09-31 09:00:00]]>'),
      /The item at line 28 \(“Year 4 &amp; the Science Museum”\) has wp:post_date_gmt “2024-09-31 09:00:00”, which is not a date\./],
    ['a comment date that is not a date', (xml: string) => xml.replace('<wp:comment_date_gmt><![CDATA[2024-09-02 11:00:00]]>', '<wp:comment_date_gmt><![CDATA[yesterday]]>'),
      /whose wp:comment_date_gmt “yesterday” is not a date/],
    ['an item without its WordPress id', (xml: string) => xml.replace('<wp:post_id>12</wp:post_id>', ''), /The item at line \d+ \(“Half-written newsletter”\) has no wp:post_id\./],
    ['two items with one WordPress id', (xml: string) => xml.replace('<wp:post_id>12</wp:post_id>', '<wp:post_id>10</wp:post_id>'), /has wp:post_id 10, as an earlier item does/],
    ['a comment without its WordPress id', (xml: string) => xml.replace('<wp:comment_id>33</wp:comment_id>', ''), /has a comment with no wp:comment_id/],
    ['no site address', (xml: string) => xml.replace(/<link>https:\/\/greenlane.example.org<\/link>|<wp:base_(site|blog)_url>[^<]*<\/wp:base_\1_url>/g, ''), /names no site address/],
  ])('a malformed export changes nothing at all: %s', async (_name, spoil, message) => {
    const xml = spoil(fixture('wordpress-export.xml'));
    await expect(run(xml, { batchSize: 1 })).rejects.toThrow(message);
    nothingStored();
  });

  it('keeps the batches written before a write fails, and running it again finishes the import without doubling anything', async () => {
    t.db.exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON comments WHEN NEW.author_name = 'Waiting' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const xml = fixture('wordpress-export.xml');
    const stopped = await run(xml, { batchSize: 2 }).then(() => undefined, (err: unknown) => err);
    expect(stopped).toBeInstanceOf(WxrImportStopped);
    expect((stopped as WxrImportStopped).message).toContain('refused');
    // Only whole batches stayed, and the report counts exactly them.
    const { counts } = (stopped as WxrImportStopped).report;
    expect([counts.posts, counts.comments]).toEqual([count('posts') - counts.pages, count('comments')]);
    expect(count('comments')).toBeLessThan(4);

    t.db.exec('DROP TRIGGER refuse');
    const rest = await run(xml, { batchSize: 2 });
    expect(rest.counts.alreadyHere.comments).toBe(count('comments') - rest.counts.comments);
    expect([count('posts'), count('comments'), count('users')]).toEqual([4, 4, 2]);
    expect(rows('SELECT c.author_name, p.author_name AS parent FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.created_at')).toEqual([
      { author_name: "Sam's dad", parent: null }, { author_name: 'Mrs Okafor', parent: "Sam's dad" }, { author_name: 'Cheap pills', parent: null }, { author_name: 'Waiting', parent: null },
    ]);
  });
});
