// The welcome post a new blog starts with.
import type { Repositories } from './repositories.js';

const WELCOME = `Welcome to your new blog. This post shows what Colloquy does; edit it or delete it
from the [dashboard](/admin) once you have had a look.

## Writing

Posts are written in **Markdown**: headings, lists, links, \`code\`, quotes and more.

> Write in public, and let the conversation happen below.

## Talking it over

Readers reply to the post and to each other in threads, with no account and no
JavaScript needed. Comments from new commenters wait for your approval; links,
personal data and spam are held or caught before anyone sees them.
`;

/** Creates the welcome post; call inside the bootstrap transaction. */
export function seedWelcome(repos: Repositories, authorId: number): number {
  return repos.postsService.create({
    kind: 'post',
    author_id: authorId,
    title: 'Welcome to Colloquy',
    slug: '',
    body_md: WELCOME,
    excerpt: '',
    tags: ['Colloquy'],
    status: 'published',
    published_at: null,
    comments_open: true,
  });
}
