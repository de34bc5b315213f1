import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext, seedComment } from './helpers/index.js';

const BASE = 'https://blog.example.org';
let t: TestContext;
beforeEach(() => { t = makeTestApp({ BASE_URL: BASE }); });
afterEach(() => t.close());

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' });
function items(xml: string): { title: string; link: string; guid: { '#text': string }; description: string }[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).rss.channel.item ?? [];
}

describe('comment feeds', () => {
  it('keep whatever a commenter calls themselves exactly, and link each item to its comment', async () => {
    const author = await makeUser(t.repos);
    const postId = makePost(t, author, { title: 'Fish & chips &amp; more' });
    const slug = t.repos.posts.findById(postId)!.slug;
    const name = 'x ]]> y ]]> z & <b>bold</b>';
    const id = seedComment(t.repos, postId, { author_name: name, body_md: 'See [the list](https://example.org/?a=1&b=2) ]]> here' });
    for (const path of [`/posts/${slug}/feed`, '/comments/feed']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      const [item] = items(res.text);
      expect(item!.title, path).toBe(`Comment on “Fish & chips &amp; more” by ${name}`);
      expect(item!.link, path).toBe(`${BASE}/comments/${id}`);
      expect(item!.description, path).toContain('href="https://example.org/?a=1&amp;b=2"');
      expect(item!.description, path).toContain(']]&gt; here');
    }
  });
});
