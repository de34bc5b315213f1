// A realistic blog for the benchmark and the screenshots, written through the repositories.
import type { AppContext } from '../src/context.js';
import type { Db } from '../src/db/open.js';
import { renderCommentMarkdown } from '../src/markdown.js';
import type { Repositories } from '../src/repositories.js';
import { hashPassword } from '../src/users/passwords.js';
import type { User } from '../src/users/users-repository.js';

const TAGS = ['Travel', 'Cooking', 'Software', 'Gardening', 'Books', 'Photography', 'Notes', 'Music'];
const WORDS = `the a of quiet morning river kitchen garden letter window light coffee bread evening
  notebook train station winter summer walk market street harbour mountain table friend story
  small long careful bright slow early late simple warm old new written read made kept found`.split(/\s+/);

export const RICH_POST = `Some things only make sense once you have written them down. This is a post
that shows how an ordinary article looks: paragraphs, a quotation, a list, some code.

## Why write in public

Writing for yourself is fine, but writing *for someone* sharpens the thought. A reader
who answers back is the best editor you will ever have.

> The conversation below a post is often better than the post.

Three things I keep in mind:

1. Say one thing per paragraph.
2. Cut the first sentence; it is usually throat-clearing.
3. Link generously: [the web](https://example.org) is made of links.

## A little code

\`\`\`ts
export function slugify(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
\`\`\`

Inline \`code\` sits comfortably in a sentence, and a table lines up:

| Setting | Default |
|---|---|
| thread depth | 5 |
| time zone | UTC |

That is all for today. Tell me what you think below.`;

function sentence(seed: number, length: number): string {
  const words = Array.from({ length }, (_, i) => WORDS[(seed * 7 + i * 13 + (i * i) % 5) % WORDS.length]!);
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export interface SeedOptions {
  posts: number;
  /** Approved comments on the newest post. */
  comments: number;
}

export interface SeededBlog {
  author: User;
  /** The newest post, holding the requested comments. */
  busySlug: string;
  /** Every published post's slug, oldest first. */
  slugs: string[];
}

// Replies nest this deep at most (one past the default thread depth of 5, so the
// deepest show "in reply to"); about a quarter of the comments start a thread.
const MAX_DEPTH = 6;

/**
 * `count` approved comments on a post, threaded as a lively discussion is: replies to
 * earlier comments, up to MAX_DEPTH deep, ten seconds apart. Call it inside a transaction.
 */
export function addDiscussion(repos: Repositories, postId: number, count: number, from = Date.now() - count * 10_000): void {
  const ids: number[] = [];
  const depth = new Map<number, number>();
  const parentOf = new Map<number, number | null>();
  for (let c = 0; c < count; c++) {
    // A quarter start a thread; the rest answer one of the 40 latest comments, as a
    // discussion moves on (a multiplicative hash picks which), so threads stay of a
    // size a page can hold.
    let parent = c % 4 === 0 || ids.length === 0 ? null : ids[ids.length - 1 - (((Math.imul(c, 2654435761) >>> 0) >>> 8) % Math.min(ids.length, 40))]!;
    while (parent !== null && depth.get(parent)! >= MAX_DEPTH) parent = parentOf.get(parent)!;
    const text = `${sentence(c, 14)} ${sentence(c + 3, 8 + (c % 9))}`;
    const id = repos.comments.insert({
      post_id: postId, parent_id: parent, user_id: null, author_name: `Reader ${c + 1}`, author_email: `reader${c}@example.org`,
      author_url: '', body_md: text, body_html: renderCommentMarkdown(text), status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
    }, new Date(from + c * 10_000).toISOString());
    ids.push(id);
    parentOf.set(id, parent);
    depth.set(id, parent === null ? 1 : depth.get(parent)! + 1);
  }
}

export async function seedBlog({ db, repos, services }: { db: Db } & Pick<AppContext, 'repos' | 'services'>, { posts, comments }: SeedOptions): Promise<SeededBlog> {
  const hash = await hashPassword('bench passphrase');
  const author = repos.users.create({ username: 'ada', display_name: 'Ada Lovelace', password_hash: hash, role: 'admin' });
  const second = repos.users.create({ username: 'grace', display_name: 'Grace Hopper', password_hash: hash, role: 'author' });
  repos.settings.save({ title: 'Field Notes', tagline: 'Small things, written down and talked over' });
  const start = Date.now() - (posts + 2) * 36 * 3_600_000;
  let busySlug = '';
  const slugs: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < posts; i++) {
      const newest = i === posts - 1;
      const paragraphs = Array.from({ length: 4 }, (_, p) => Array.from({ length: 4 }, (_, s) => sentence(i + p * 3 + s, 9 + ((i + s) % 8))).join(' '));
      const id = services.posts.create({
        kind: 'post',
        author_id: i % 3 === 0 ? second.id : author.id,
        title: newest ? 'Notes on writing in public' : `${sentence(i, 3 + (i % 5)).slice(0, -1)}`,
        slug: '',
        body_md: newest ? RICH_POST : paragraphs.join('\n\n'),
        excerpt: '',
        tags: [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!],
        status: 'published',
        published_at: new Date(start + i * 36 * 3_600_000),
        comments_open: true,
      });
      slugs.push(repos.posts.findById(id)!.slug);
      if (newest) busySlug = slugs[i]!;
    }
    services.posts.create({
      kind: 'page', author_id: author.id, title: 'About', slug: '', body_md: 'Who writes here, and why.', excerpt: '',
      tags: [], status: 'published', published_at: null, comments_open: false,
    });
    services.posts.create({
      kind: 'post', author_id: author.id, title: 'An unfinished draft', slug: '', body_md: 'Not yet.', excerpt: '',
      tags: ['Notes'], status: 'draft', published_at: null, comments_open: true,
    });
    addDiscussion(repos, repos.posts.findBySlug(busySlug)!.id, comments);
  })();
  return { author, busySlug, slugs };
}
