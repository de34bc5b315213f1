// The welcome post a new blog starts with.
import type { AppContext } from './context.js';
import { renderCommentMarkdown } from './markdown.js';

const WELCOME = `Welcome to your new blog. This post shows what Colloquy does; edit it or delete it
from the [dashboard](/admin) once you have had a look.

**Who is writing?** Your posts and replies are signed with your display name. Set the
name readers should see, and a short bio, on your [Account page](/admin/account).

## Writing

Posts are written in **Markdown**: headings, lists, links, \`code\`, quotes and more.

> Write in public, and let the conversation happen below.

## Talking it over

Readers reply to the post and to each other in threads, with no account and no
JavaScript needed. Comments from new commenters wait for your approval; links,
personal data and spam are held or caught before anyone sees them.
`;

// A short sample thread, three levels deep, so a new blog shows how replies nest.
const SAMPLE_THREAD = [
  { name: 'Ada', email: 'ada@example.com', text: 'Congratulations on the new blog! Does it really work **without JavaScript**?' },
  { name: 'Grace', email: 'grace@example.com', text: 'It does: "Reply" is an ordinary link that puts the form under the comment.' },
  { name: 'Ada', email: 'ada@example.com', text: 'Lovely. And with JavaScript the form just moves here, no reload.' },
];

/** Creates the welcome post and its sample thread; call inside the bootstrap transaction. */
export function seedWelcome({ repos, services, clock }: Pick<AppContext, 'repos' | 'services' | 'clock'>, authorId: number): number {
  const postId = createWelcomePost(services, authorId);
  let parentId: number | null = null;
  let at = clock();
  for (const sample of SAMPLE_THREAD) {
    parentId = repos.comments.insert(
      {
        post_id: postId, parent_id: parentId, user_id: null, author_name: sample.name, author_email: sample.email, author_url: '',
        body_md: sample.text, body_html: renderCommentMarkdown(sample.text), status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
      },
      new Date(at += 1000).toISOString(),
    );
  }
  return postId;
}

function createWelcomePost(services: AppContext['services'], authorId: number): number {
  return services.posts.create({
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
