// Resolving :slug to a post the public may see, once for every public route under
// /posts/:slug: an old slug of a public post redirects, a post in the Trash is 410
// Gone, anything else is 404.
import type { Request, Response } from 'express';
import { gone, notFound } from '../http/errors.js';
import type { PostsRepository, PostView } from './posts-repository.js';

/**
 * The public post named by :slug. An old slug answers 301 (GET) or 308 (POST, so the
 * body is sent again) to `/posts/NEW` + `rest` with the query kept, and gives
 * undefined; a post in the Trash throws 410; a draft, a scheduled post or an unknown slug throws 404.
 */
export function loadPublicPost(posts: PostsRepository, req: Request<{ slug: string }>, res: Response, rest = ''): PostView | undefined {
  const post = posts.findPublicBySlug(req.params.slug);
  if (post) return post;
  const current = posts.findPublicRedirect(req.params.slug);
  if (!current) {
    if (posts.isTrashedSlug(req.params.slug)) throw gone('This post was deleted by its author.');
    throw notFound();
  }
  const query = req.originalUrl.indexOf('?');
  res.redirect(req.method === 'GET' ? 301 : 308, `/posts/${current}${rest}${query === -1 ? '' : req.originalUrl.slice(query)}`);
  return undefined;
}
