import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

const search = (q: string, extra = '') => request(t.app).get(`/search?q=${encodeURIComponent(q)}${extra}`);

/** Titles of the results on a page, in order. */
function resultTitles(html: string): string[] {
  return [...html.matchAll(/<h2 class="post-title"><a href="[^"]+">(.*?)<\/a><\/h2>/g)].map((m) => m[1]!.replace(/<\/?mark>/g, ''));
}

describe('GET /search', () => {
  it('shows the form, and no results, when the query is missing or blank', async () => {
    for (const path of ['/search', '/search?q=', '/search?q=%20%20', '/search?q=a&q=b']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.text).toContain('<form class="search-form" action="/search" method="get" role="search" aria-labelledby="search-heading">');
      expect(res.text).not.toContain('search-result');
    }
  });

  it('finds published posts and pages by title, body and tag, title matches first, with highlights', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Gardening notes', body_md: 'Tomatoes need **sun** and water.' });
    makePost(t, author, { title: 'Tomatoes, a love story', body_md: 'Red fruit.' });
    makePost(t, author, { title: 'Kitchen', body_md: 'Nothing here.', tags: ['tomatoes'] });
    makePost(t, author, { title: 'About tomatoes', kind: 'page', body_md: 'The page.' });
    const res = await search('tomatoes');
    expect(res.status).toBe(200);
    expect(res.text).toContain('4 results.');
    const titles = resultTitles(res.text);
    expect(titles).toHaveLength(4);
    expect(titles.slice(0, 2).sort()).toEqual(['About tomatoes', 'Tomatoes, a love story']);
    expect(res.text).toContain('<mark>Tomatoes</mark> need sun and water.');
    expect(res.headers['x-robots-tag']).toBe('noindex');
  });

  it('never finds drafts or scheduled posts', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Secret plans', status: 'draft', body_md: 'zebra' });
    makePost(t, author, { title: 'Future plans', published_at: new Date(Date.now() + 3_600_000), body_md: 'zebra' });
    const res = await search('zebra');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Nothing matched “zebra”.');
    expect(res.text).not.toContain('plans');
  });

  it('follows edits, tag changes and deletions', async () => {
    const author = await makeUser(t.repos);
    const id = makePost(t, author, { title: 'Before', body_md: 'original words', tags: ['oldtag'] });
    expect(resultTitles((await search('original')).text)).toEqual(['Before']);
    t.services.posts.update(id, {
      kind: 'post', author_id: author.id, title: 'After', slug: 'before', body_md: 'replacement words', excerpt: '',
      tags: ['newtag'], status: 'published', published_at: new Date(Date.now() - 60_000), comments_open: true,
    });
    expect(resultTitles((await search('original')).text)).toEqual([]);
    expect(resultTitles((await search('oldtag')).text)).toEqual([]);
    expect(resultTitles((await search('replacement newtag')).text)).toEqual(['After']);
    t.repos.posts.remove(id);
    expect(resultTitles((await search('replacement')).text)).toEqual([]);
  });

  it('matches the last word as a prefix and every word together', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Steam engines', body_md: 'Boilers and pistons.' });
    makePost(t, author, { title: 'Steam baths', body_md: 'Hot rooms.' });
    expect(resultTitles((await search('steam eng')).text)).toEqual(['Steam engines']);
    expect(resultTitles((await search('pist')).text)).toEqual(['Steam engines']);
  });

  it('answers every odd query with a page, never a server error, and escapes what it shows back', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'NEAR and AND', body_md: 'Operators: a - b : c "quoted" <b>bold</b> 🎉 party' });
    const queries = ['"', '""', '*', 'AND', 'OR NOT', 'NEAR(', 'near(a b)', '-', 'a:b', 'title:near', '🎉', '^', '(', ')', "'", '\\', '{x}', '"unbalanced', 'a AND', '* OR *', '\u0000', '<script>alert(1)</script>', 'x'.repeat(5000)];
    for (const q of queries) {
      const res = await search(q);
      expect(res.status, q).toBe(200);
      expect(res.text, q).not.toContain('<script>alert(1)</script>');
    }
    expect(resultTitles((await search('NEAR(')).text)).toEqual(['NEAR and AND']);
    expect(resultTitles((await search('"quoted"')).text)).toEqual(['NEAR and AND']);
    expect((await search('<script>alert(1)</script>')).text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows the query back at most 200 characters long', async () => {
    const res = await search('y'.repeat(300));
    expect(res.text).toContain(`value="${'y'.repeat(200)}"`);
    expect(res.text).not.toContain('y'.repeat(201));
  });

  it('escapes the post text in snippets, keeping only its own highlight marks', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Markup', body_md: 'Use a < b & c, <em>friends</em> like \uE000this\uE001 wisely: <script>bad()</script> searchword' });
    const res = await search('searchword');
    const snippet = /<div class="post-excerpt"><p>(.*?)<\/p><\/div>/.exec(res.text)![1]!;
    expect(snippet).toContain('<mark>searchword</mark>');
    expect(snippet.match(/<mark>/g)).toHaveLength(1);
    expect(snippet).toContain('a &lt; b &amp; c, friends like this wisely');
    expect(snippet).not.toContain('<script>');
    expect(snippet).not.toContain('<em>');
  });

  it('pages results 10 at a time; a page past the last, or not a page number, is 404', async () => {
    const author = await makeUser(t.repos);
    for (let i = 0; i < 12; i++) makePost(t, author, { title: `Walrus ${i}`, body_md: 'walrus facts' });
    const first = await search('walrus');
    expect(resultTitles(first.text)).toHaveLength(10);
    expect(first.text).toContain('href="/search?q=walrus&amp;page=2"');
    const second = await search('walrus', '&page=2');
    expect(resultTitles(second.text)).toHaveLength(2);
    expect(second.text).toContain('href="/search?q=walrus"');
    for (const page of ['3', '0', '-1', 'abc', '1.5']) expect((await search('walrus', `&page=${page}`)).status, page).toBe(404);
    expect((await search('nothing-like-this', '&page=2')).status).toBe(404);
    expect((await search('nothing-like-this', '&page=1')).status).toBe(200);
  });
});

describe('GET /search with hostile queries', () => {
  it('answers a page to control characters, lone surrogates, FTS5 syntax and 3,000 characters', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Apples and pears', body_md: 'Fruit.' });
    const paths = [
      '/search?q=a%00', '/search?q=%00', '/search?q=apples%00pears', '/search?q=%01%02%1F%7F%C2%80apples',
      '/search?q=%ED%A0%80', '/search?q=apples%ED%B0%80', // lone surrogate halves, as a browser may send them
      `/search?q=${'a'.repeat(3_000)}`, `/search?q=${encodeURIComponent('apples '.repeat(430))}`,
      `/search?q=${encodeURIComponent('"'.repeat(3_000))}`,
    ];
    for (const q of ['"', '"apples', 'apples"', '*', 'apples*', '*apples', 'NEAR(apples pears)', 'NEAR(', 'apples AND OR NOT pears', 'NOT',
      '^apples', 'title:apples', '{title body}:apples', '-apples', 'apples + pears', '(apples', 'apples)', '()', 'a:b:c', '\\', "'; DROP TABLE posts; --"]) {
      paths.push(`/search?q=${encodeURIComponent(q)}`);
    }
    for (const path of paths) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain('<form class="search-form"');
    }
  });

  it('searches the words around what it strips, and shows the query without the control characters', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Apples and pears', body_md: 'Fruit.' });
    const res = await request(t.app).get('/search?q=app%00les');
    expect(res.status).toBe(200);
    expect(resultTitles(res.text)).toEqual(['Apples and pears']);
    expect(res.text).not.toContain('\u0000');
    expect(res.text).toContain('value="apples"');
  });

  it('takes FTS5 operators as words to find, not as syntax', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'NEAR the sea', body_md: 'Waves AND sand.' });
    makePost(t, author, { title: 'Mountains', body_md: 'Rocks.' });
    expect(resultTitles((await search('NEAR')).text)).toEqual(['NEAR the sea']);
    expect(resultTitles((await search('waves AND')).text)).toEqual(['NEAR the sea']);
    expect(resultTitles((await search('title:mountains')).text)).toEqual([]);
  });
});
