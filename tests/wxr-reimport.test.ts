// Importing again: what an earlier import brought in is recognised by its source site and
// WordPress id (or guid) and each comment by its WordPress id, and left as it is.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importWxr, wxrText } from '../src/wxr/import-wxr.js';
import { makeTestApp, makeUser, type TestContext } from './helpers/index.js';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const school = fixture('wordpress-export.xml');
const single = fixture('wordpress-single.xml');

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

const run = (xml: string, batchSize?: number) => importWxr(t, wxrText(xml), batchSize ? { batchSize } : {});
const rows = (sql: string) => t.db.prepare(sql).all() as Record<string, unknown>[];
const count = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
/** Each comment with its parent's author, oldest first: the thread as stored. */
const thread = () => rows(`SELECT c.author_name AS author, p.author_name AS parent FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.created_at, c.id`);

/** A WordPress comment element. */
function wpComment(id: number, parent: number, author: string, date: string, text = `Words of ${author}.`): string {
  return `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[${author}]]></wp:comment_author>
    <wp:comment_author_email>${author.toLowerCase().replace(/\W/g, '')}@example.net</wp:comment_author_email>
    <wp:comment_date_gmt>${date}</wp:comment_date_gmt><wp:comment_content><![CDATA[${text}]]></wp:comment_content>
    <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>${parent}</wp:comment_parent></wp:comment>`;
}

/** The school's export with its first post's comments replaced by `comments`. */
function schoolWithComments(comments: string): string {
  const first = school.indexOf('<wp:comment>');
  const end = school.indexOf('</item>', first);
  return school.slice(0, first) + comments + school.slice(end);
}

describe('importing the same export again', () => {
  it('creates nothing, changes nothing, and counts what is already here', async () => {
    const first = await run(school);
    const snapshot = () => ({
      posts: rows('SELECT id, title, slug, body_md, updated_at FROM posts ORDER BY id'),
      comments: rows('SELECT id, parent_id, body_md, status, updated_at FROM comments ORDER BY id'),
      users: count('users'), tags: count('tags'), audit: count('audit_log'),
    });
    const before = snapshot();

    const again = await run(school);
    expect(again.counts).toEqual({
      usersCreated: 0, usersMatched: 2, posts: 0, pages: 0, comments: 0,
      alreadyHere: { posts: 3, pages: 1, comments: 4 }, deletedHere: { posts: 0, pages: 0, comments: 0 },
      skippedItems: first.counts.skippedItems, skippedComments: 1,
    });
    expect(again.createdAuthors).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it('leaves a post edited here as it was edited, and its comments as moderated here', async () => {
    await run(school);
    const post = t.repos.posts.findBySlug('year-4-science-museum')!;
    t.services.posts.update(post.id, {
      kind: 'post', author_id: post.author_id, title: 'Our trip (edited)', slug: post.slug, body_md: 'Rewritten here.', excerpt: '',
      tags: [], status: 'published', published_at: new Date(post.published_at!), comments_open: true,
    });
    t.db.prepare("UPDATE comments SET status = 'trash' WHERE author_name = 'Waiting'").run();

    const again = await run(school);
    expect(again.counts.alreadyHere).toEqual({ posts: 3, pages: 1, comments: 4 });
    expect(t.repos.posts.findById(post.id)).toMatchObject({ title: 'Our trip (edited)', body_md: 'Rewritten here.' });
    expect(rows("SELECT status FROM comments WHERE author_name = 'Waiting'")).toEqual([{ status: 'trash' }]);
    expect(count('posts')).toBe(4);
  });

  it('adds only the new comments on a post imported before, each under its parent from then or from now', async () => {
    const earlier = schoolWithComments([
      wpComment(31, 0, 'Ada', '2024-09-02 11:00:00'),
      wpComment(32, 31, 'Bea', '2024-09-02 12:00:00'),
    ].join(''));
    await run(earlier);
    expect(thread()).toEqual([{ author: 'Ada', parent: null }, { author: 'Bea', parent: 'Ada' }]);

    // A later export: the old comments, and new ones answering them, a reply before its own parent.
    const later = schoolWithComments([
      wpComment(31, 0, 'Ada', '2024-09-02 11:00:00'),
      wpComment(32, 31, 'Bea', '2024-09-02 12:00:00'),
      wpComment(45, 44, 'Dan', '2024-09-04 10:00:00'),
      wpComment(44, 32, 'Cy', '2024-09-03 10:00:00'),
      wpComment(46, 31, 'Eve', '2024-09-05 10:00:00'),
    ].join(''));
    const report = await run(later, 2);
    expect(report.counts).toMatchObject({ posts: 0, comments: 3, alreadyHere: { posts: 3, pages: 1, comments: 2 } });
    expect(thread()).toEqual([
      { author: 'Ada', parent: null }, { author: 'Bea', parent: 'Ada' },
      { author: 'Cy', parent: 'Bea' }, { author: 'Dan', parent: 'Cy' }, { author: 'Eve', parent: 'Ada' },
    ]);

    // A file holding only a reply, to a comment imported in an earlier run.
    const onlyNew = schoolWithComments(wpComment(50, 45, 'Fay', '2024-09-06 10:00:00'));
    expect((await run(onlyNew)).counts).toMatchObject({ comments: 1, alreadyHere: { comments: 0 } });
    expect(thread().at(-1)).toEqual({ author: 'Fay', parent: 'Dan' });
    expect(count('posts')).toBe(4);
  });

  it('imports two sites whose WordPress ids are the same, and recognises a site that moved by its guids', async () => {
    const other = single.replace('<link>http://one.example</link>', '<link>https://two.example/blog/</link>')
      .replace('http://one.example/?p=1', 'https://two.example/blog/?p=1').replace('Only one', 'The other one');
    await run(single);
    const second = await run(other);
    expect(second.counts).toMatchObject({ posts: 1, comments: 1, alreadyHere: { posts: 0, comments: 0 } });
    expect(rows('SELECT title FROM posts ORDER BY id')).toEqual([{ title: 'Only one' }, { title: 'The other one' }]);
    expect(count('comments')).toBe(2);

    // The first site, now at a new address: its posts keep their guids, so nothing comes in twice.
    const moved = single.replace('<link>http://one.example</link>', '<link>https://www.one-new.example</link>');
    expect((await run(moved)).counts).toMatchObject({ posts: 0, comments: 0, alreadyHere: { posts: 1, comments: 1 } });
    // The same address written differently (scheme, case, a trailing slash) is the same site.
    const respelt = single.replace('<link>http://one.example</link>', '<link>https://ONE.example/</link>').replace('http://one.example/?p=1', 'guid-changed');
    expect((await run(respelt)).counts).toMatchObject({ posts: 0, alreadyHere: { posts: 1 } });
    expect(count('posts')).toBe(2);
  });

  it('leaves deleted here what was deleted here: an erased commenter and a deleted post do not come back', async () => {
    const admin = await makeUser(t.repos, 'admin', 'boss');
    await run(school);
    t.services.erasure.eraseCommenter('wait@example.net', admin.id);
    expect(rows("SELECT count(*) AS n FROM comments WHERE author_name = 'Waiting'")).toEqual([{ n: 0 }]);
    // In the Trash the page is still here, and stays in the Trash; deleted for good, it stays deleted.
    const about = t.repos.posts.findBySlug('about')!;
    t.services.posts.trash(about, admin.id);
    const trashed = await run(school);
    expect(trashed.counts).toMatchObject({ posts: 0, pages: 0, comments: 0, deletedHere: { posts: 0, pages: 0, comments: 1 }, alreadyHere: { posts: 3, pages: 1, comments: 3 } });
    expect(rows(`SELECT trashed_at IS NOT NULL AS inTrash FROM posts WHERE id = ${about.id}`)).toEqual([{ inTrash: 1 }]);
    t.services.posts.deleteForever(t.repos.posts.findById(about.id)!, admin.id);

    const again = await run(school);
    expect(again.counts).toMatchObject({ posts: 0, pages: 0, comments: 0, deletedHere: { posts: 0, pages: 1, comments: 1 }, alreadyHere: { posts: 3, pages: 0, comments: 3 } });
    expect(rows("SELECT count(*) AS n FROM comments WHERE author_name = 'Waiting'")).toEqual([{ n: 0 }]);
    expect(t.repos.posts.findBySlug('about')).toBeUndefined();
  });

  it('lists the attachments it did not fetch, with their original addresses', async () => {
    const withTwo = school.replace('</channel>', `<item><title>plan.pdf</title><wp:post_id>90</wp:post_id><wp:post_type>attachment</wp:post_type>
      <guid isPermaLink="false">https://greenlane.example.org/?attachment_id=90</guid>
      <wp:attachment_url>https://greenlane.example.org/wp-content/uploads/2024/10/plan.pdf</wp:attachment_url></item></channel>`);
    const report = await run(withTwo);
    expect(report.attachments).toEqual([
      'https://greenlane.example.org/wp-content/uploads/2024/09/rocket.jpg',
      'https://greenlane.example.org/wp-content/uploads/2024/10/plan.pdf',
    ]);
    expect(report.counts.skippedItems).toBe(1); // the trashed post; attachments are listed, not skipped
    expect(count('uploads')).toBe(0);
  });
});
