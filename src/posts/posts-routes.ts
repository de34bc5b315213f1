// Public reading: the home page, a post, tag and archive listings (mounted, with
// their cache headers, in src/routes.ts). Staff see a draft or scheduled post they may
// edit at its real address, as a preview.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { loadDiscussion, threadPageHref } from '../comments/discussion-request.js';
import { periodRange } from '../time.js';
import type { ListingFilter } from './posts-repository.js';
import { pageLinks, paginate } from '../http/pagination.js';
import { loadPublicPost } from './public-post.js';
import { mayManagePost } from '../admin/permissions.js';
import type { User } from '../users/users-repository.js';
import { renderPreview } from './preview.js';
import { renderWithLongList } from '../http/long-list.js';
import { bylineName, postTimes } from './post-facts.js';
import type { ListingSubject, PostSubject } from '../content/page-meta.js';

export function postsRoutes(ctx: AppContext) {
  const { repos } = ctx;

  function renderListing(req: Request, res: Response, filter: ListingFilter, heading: string | undefined, basePath: string) {
    const { posts_per_page } = res.locals.site;
    const pagination = paginate(req.query.page, repos.posts.countPublic(filter), posts_per_page);
    const posts = repos.posts.listPublic(filter, pagination.limit, pagination.offset);
    const tags = repos.tags.forPosts(posts.map((p) => p.id));
    const meta: ListingSubject = {
      kind: 'listing',
      listing: filter.kind === 'all' ? 'home' : filter.kind === 'tag' ? 'tag' : 'archive',
      page: pagination.page,
      posts: posts.map((p) => ({ title: p.title, slug: p.slug, published: postTimes(p).published, author: bylineName(p) })),
    };
    res.render('posts/index', {
      pageTitle: heading,
      canonical: pageLinks(basePath)(pagination.page),
      meta,
      heading,
      posts: posts.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })),
      pagination,
      pageHref: pageLinks(basePath),
    });
  }

  const list = (req: Request, res: Response) => renderListing(req, res, { kind: 'all' }, undefined, '/');

  function byTag(req: Request<{ tag: string }>, res: Response) {
    const tag = repos.tags.findPublicBySlug(req.params.tag);
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

  /** A draft or scheduled post at :slug, if the signed-in staff member may edit it. */
  function previewable(req: Request<{ slug: string }>, res: Response) {
    const viewer = res.locals.currentUser as User | undefined;
    if (!viewer || repos.posts.findPublicBySlug(req.params.slug)) return undefined;
    const post = repos.posts.findPreviewBySlug(req.params.slug);
    return post && mayManagePost(viewer, post.author_id) ? post : undefined;
  }

  async function show(req: Request<{ slug: string }>, res: Response) {
    const draft = previewable(req, res);
    if (draft) {
      const note = draft.status === 'draft' ? 'This is a draft: only its author and administrators can see it.' : `Scheduled for ${res.locals.formatDateTime(draft.published_at)}: readers see it from then.`;
      return renderPreview(res, { ...draft, published_at: draft.published_at ?? draft.updated_at }, repos.tags.forPosts([draft.id]).get(draft.id) ?? [], {
        note,
        editHref: `/admin/posts/${draft.id}/edit`,
      });
    }
    const post = loadPublicPost(repos.posts, req, res);
    if (!post) return;
    const tags = repos.tags.forPosts([post.id]).get(post.id) ?? [];
    const discussion = loadDiscussion(ctx, post, req, res);
    const pageHref = threadPageHref(post.slug);
    const meta: PostSubject = {
      kind: 'post',
      post: { ...post, ...postTimes(post) },
      author: bylineName(post),
      tags,
      // From the thread already read (one comments query a page): approved ones only, never this reader's held one.
      comments: [...discussion.thread.byId.values()].filter((n) => n.comment.status === 'approved').map((n) => n.comment),
    };
    const locals = {
      pageTitle: post.title,
      description: post.summary,
      // Each page of a long thread is its own page for search engines.
      canonical: pageHref(discussion.pagination.page),
      meta,
      post,
      tags,
      discussion,
      pageHref,
    };
    await renderWithLongList(res, 'posts/show', locals, 'threadHtml', {
      view: 'comments/_comment',
      items: discussion.steps,
      locals: (steps) => ({ d: discussion, steps }),
    });
  }

  return { list, show, byTag, byPeriod };
}
