// Public reading: the home page, a post, tag and archive listings.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../app.js';
import { notFound } from '../http/errors.js';
import { csrfTokenIfSession } from '../http/csrf.js';
import { publicPageCache } from '../http/cache-control.js';
import { loadDiscussion } from '../comments/discussion.js';
import { periodRange } from '../time.js';
import type { ListingFilter } from './posts-repository.js';
import { paginate } from '../http/pagination.js';
import { loadPublicPost } from './public-post.js';

export function postsRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const router = Router();
  // The clock decides what is public yet: a scheduled post appears when its time comes.
  const now = () => new Date(ctx.clock()).toISOString();

  function renderListing(req: Request, res: Response, filter: ListingFilter, heading: string | undefined, basePath: string) {
    const { posts_per_page } = res.locals.site;
    const at = now();
    const pagination = paginate(req.query.page, repos.posts.countPublic(filter, at), posts_per_page);
    const posts = repos.posts.listPublic(filter, pagination.limit, pagination.offset, at);
    const tags = repos.tags.forPosts(posts.map((p) => p.id));
    res.render('posts/index', {
      pageTitle: heading,
      canonical: pagination.page === 1 ? basePath : `${basePath}?page=${pagination.page}`,
      heading,
      posts: posts.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })),
      pagination,
      basePath,
    });
  }

  const list = (req: Request, res: Response) => renderListing(req, res, { kind: 'all' }, undefined, '/');

  function byTag(req: Request<{ tag: string }>, res: Response) {
    const tag = repos.tags.findPublicBySlug(req.params.tag, now());
    if (!tag) throw notFound('There is no such tag.');
    renderListing(req, res, { kind: 'tag', tagId: tag.id }, `Tagged “${tag.name}”`, `/tags/${tag.slug}`);
  }

  function byPeriod(req: Request<{ year: string; month?: string }>, res: Response) {
    const { year, month } = req.params;
    if (!/^[1-9]\d{3}$/.test(year) || (month !== undefined && !/^(0?[1-9]|1[0-2])$/.test(month))) throw notFound();
    const y = Number(year);
    const m = month === undefined ? undefined : Number(month);
    const [from, to] = periodRange(y, m, res.locals.site.timezone);
    const label = m === undefined
      ? String(y)
      : new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    renderListing(req, res, { kind: 'period', from, to }, `Archive: ${label}`, `/archive/${year}${month ? `/${month}` : ''}`);
  }

  function show(req: Request<{ slug: string }>, res: Response) {
    const post = loadPublicPost(repos.posts, req, res, '', now());
    if (!post) return;
    const tags = repos.tags.forPosts([post.id]).get(post.id) ?? [];
    res.render('posts/show', {
      pageTitle: post.title,
      description: post.summary,
      canonical: `/posts/${post.slug}`,
      post,
      tags,
      discussion: loadDiscussion(ctx, post, req, res),
    });
  }

  const cache = publicPageCache();
  router.get('/', cache, list);
  router.get('/posts/:slug', cache, csrfTokenIfSession, show);
  router.get('/tags/:tag', cache, byTag);
  router.get('/archive/:year', cache, byPeriod);
  router.get('/archive/:year/:month', cache, byPeriod);
  return router;
}
