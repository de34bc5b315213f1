// A draft or scheduled post as readers will see it, for the staff who may edit it: the
// real page and layout under a "Preview — not published" banner. Personal: never kept
// by the render cache, a proxy or a browser, never indexed.
import type { Response } from 'express';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';
import type { PostView } from './posts-repository.js';

export interface PreviewNote {
  /** What the banner says after "Preview — not published". */
  note: string;
  editHref: string;
}

/** Renders the post page for `post` as a preview; `tags` as the tags partial takes them. */
export function renderPreview(res: Response, post: PostView, tags: readonly { slug: string; name: string }[], preview: PreviewNote): void {
  res.locals.shareable = false;
  // The public page's address, so the layout is the public one, not the desk's.
  res.locals.path = `/posts/${post.slug}`;
  res.set({ 'Cache-Control': PRIVATE_CACHE_CONTROL, 'X-Robots-Tag': 'noindex, nofollow' });
  res.render('posts/show', { pageTitle: `Preview: ${post.title}`, post, tags, discussion: undefined, pageHref: undefined, preview });
}
