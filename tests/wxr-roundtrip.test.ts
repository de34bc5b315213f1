import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCommentMarkdown } from '../src/markdown.js';
import type { CommentStatus } from '../src/comments/comments-repository.js';
import { exportWxr } from '../src/wxr/export-wxr.js';
import { importWxr, wxrText } from '../src/wxr/import-wxr.js';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

let source: TestContext;
let target: TestContext;
// One clock for both blogs: a draft is exported with the time it was made, which for the
// imported copy is the time of the import, so the two must read the same clock.
const clock = () => Date.parse('2026-01-01T00:00:00.000Z');
beforeEach(() => {
  source = makeTestApp({}, { clock });
  target = makeTestApp({}, { clock });
});
afterEach(() => {
  source.close();
  target.close();
});

function exportAll(t: TestContext): string {
  const chunks: string[] = [];
  exportWxr(t.repos, 'https://blog.example', (chunk) => chunks.push(chunk), '2026-01-01T00:00:00.000Z');
  return chunks.join('');
}

async function buildBlog(t: TestContext) {
  const admin = await makeUser(t.repos, 'admin', 'editor');
  const author = await makeUser(t.repos, 'author', 'writer');
  t.db.prepare("UPDATE users SET email = 'writer@example.org' WHERE id = ?").run(author.id);
  const at = (iso: string) => new Date(iso);
  const post = makePost(t, author, {
    title: 'Tricky <title> & ]]> "quotes"', slug: 'tricky',
    body_md: '# Heading\n\nText with `code ]]> inside` and a [link](https://example.org/?a=1&b=2).\n\n```\n]]>]]>\n```\n',
    excerpt: 'Short & sweet', tags: ['Maths', 'C&C'], published_at: at('2025-03-01T10:00:00.000Z'),
  });
  makePost(t, admin, { title: 'About', kind: 'page', body_md: 'A page.', published_at: at('2025-01-01T00:00:00.000Z'), comments_open: false });
  makePost(t, author, { title: 'Draft', status: 'draft', published_at: null, body_md: 'Unfinished.' });
  makePost(t, author, { title: 'Later', published_at: at('2099-01-01T00:00:00.000Z'), body_md: 'Scheduled.' });
  // A thread: root → reply → reply to the reply, plus held, spam and trash with a reply.
  const add = (body: string, status: CommentStatus, parent: number | null, minute: number) =>
    t.repos.comments.insert({
      post_id: post, parent_id: parent, user_id: null, author_name: `Reader ${body}`, author_email: `${body}@example.net`,
      author_url: minute % 2 ? 'https://reader.example' : '', body_md: `Comment **${body}** <b>raw</b> ]]>`,
      body_html: renderCommentMarkdown(`Comment **${body}** <b>raw</b> ]]>`), status, held_reason: '', ip_hash: 'h', user_agent: 'ua',
    }, `2025-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`);
  const root = add('root', 'approved', null, 1);
  const reply = add('reply', 'approved', root, 2);
  add('deep', 'approved', reply, 3);
  add('held', 'pending', null, 4);
  add('spam', 'spam', null, 5);
  const trashed = add('trashed', 'trash', null, 6);
  add('under-trash', 'approved', trashed, 7);
}

const postsOf = (t: TestContext) => t.db.prepare(
  `SELECT p.kind, p.title, p.slug, p.status, p.published_at, p.body_md, p.body_html, p.excerpt, p.comments_open, u.username,
          (SELECT group_concat(t.name, '|') FROM (SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id ORDER BY t.name) t) AS tags
     FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.slug`,
).all();
const commentsOf = (t: TestContext) => t.db.prepare(
  `SELECT c.author_name, c.author_email, c.author_url, c.body_md, c.body_html, c.status, c.created_at, parent.author_name AS parent, p.slug
     FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments parent ON parent.id = c.parent_id ORDER BY c.created_at`,
).all();

describe('WXR export', () => {
  it('writes a well-formed WXR 1.2 document with the fields WordPress reads', async () => {
    await buildBlog(source);
    const xml = exportAll(source);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => ['item', 'wp:comment', 'category'].includes(n) }).parse(xml);
    const channel = doc.rss.channel;
    expect(doc.rss['@xmlns:wp']).toBe('http://wordpress.org/export/1.2/');
    expect(channel['wp:wxr_version']).toBe('1.2');
    expect(channel.link).toBe('https://blog.example');
    const byName = Object.fromEntries(channel.item.map((i: Record<string, string>) => [i['wp:post_name'], i]));
    expect(Object.keys(byName).sort()).toEqual(['about', 'draft', 'later', 'tricky']);
    expect([byName.about['wp:post_type'], byName.about['wp:status'], byName.about['wp:comment_status']]).toEqual(['page', 'publish', 'closed']);
    expect([byName.draft['wp:status'], byName.draft['wp:post_date_gmt']]).toEqual(['draft', '0000-00-00 00:00:00']);
    expect(byName.later['wp:status']).toBe('future');
    const tricky = byName.tricky;
    expect(tricky.title).toBe('Tricky <title> & ]]> "quotes"');
    expect(tricky['dc:creator']).toBe('writer');
    expect(tricky['wp:post_date_gmt']).toBe('2025-03-01 10:00:00');
    expect(tricky['content:encoded']).toContain('<h1');
    expect(tricky['excerpt:encoded']).toBe('Short & sweet');
    expect(tricky.category.map((c: Record<string, string>) => [c['@domain'], c['@nicename'], c['#text']])).toEqual([['post_tag', 'c-c', 'C&C'], ['post_tag', 'maths', 'Maths']]);
    const comments = tricky['wp:comment'];
    expect(comments.map((c: Record<string, string>) => c['wp:comment_approved'])).toEqual(['1', '1', '1', '0', 'spam', 'trash', '1']);
    const ids = comments.map((c: Record<string, string>) => c['wp:comment_id']);
    expect(comments[1]['wp:comment_parent']).toBe(ids[0]);
    expect(comments[2]['wp:comment_parent']).toBe(ids[1]);
    expect(comments[0]['wp:comment_author_email']).toBe('root@example.net');
    expect(comments[0]['wp:comment_author_IP']).toBe('');
    expect(xml).not.toContain('>h<');
  });

  it('writes local dates in the site time zone beside the UTC ones', async () => {
    source.repos.settings.save({ timezone: 'Europe/London' });
    const author = await makeUser(source.repos);
    makePost(source, author, { title: 'Summer', published_at: new Date('2025-07-01T10:00:00.000Z') });
    const xml = exportAll(source);
    expect(xml).toContain('<wp:post_date><![CDATA[2025-07-01 11:00:00]]></wp:post_date>');
    expect(xml).toContain('<wp:post_date_gmt><![CDATA[2025-07-01 10:00:00]]></wp:post_date_gmt>');
  });
});

describe('WXR round trip', () => {
  it('export, then import into a fresh database, gives the same blog', async () => {
    await buildBlog(source);
    const { counts } = await importWxr(target, wxrText(exportAll(source)));
    expect(counts).toMatchObject({ usersCreated: 2, usersMatched: 0, posts: 3, pages: 1, comments: 7, skippedItems: 0, skippedComments: 0 });
    expect(postsOf(target)).toEqual(postsOf(source));
    expect(commentsOf(target)).toEqual(commentsOf(source));
    expect(target.repos.users.findByUsername('writer')).toMatchObject({ role: 'author', email: 'writer@example.org' });
    // And once more: an export of the imported blog is the same document but for ids.
    const strip = (xml: string) => xml.replace(/<(wp:(?:post_id|comment_id|comment_parent|author_id|post_modified(?:_gmt)?))>[^<]*<\/\1>|\?p=\d+|<wp:post_modified(?:_gmt)?>.*?<\/wp:post_modified(?:_gmt)?>/g, '');
    expect(strip(exportAll(target))).toEqual(strip(exportAll(source)));
  });
});
