// GET /search: full-text search over public posts and pages, paged like the home page
// (mounted, with its cache headers, in src/routes.ts).
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { paginate } from '../http/pagination.js';
import { highlightToHtml, MAX_QUERY_LENGTH, normaliseQuery, snippetToHtml, toMatchExpression } from './search-query.js';

export function searchRoutes(ctx: AppContext) {
  const { repos } = ctx;

  function show(req: Request, res: Response) {
    const query = normaliseQuery(req.query.q);
    const match = toMatchExpression(query);
    const total = match ? repos.search.countPublic(match) : 0;
    // An empty first page is a normal answer ("nothing matched"); any other page number must exist.
    const pagination = paginate(req.query.page, total, res.locals.site.posts_per_page);
    const hits = match ? repos.search.searchPublic(match, pagination.limit, pagination.offset) : [];
    const tags = repos.tags.forPosts(hits.map((h) => h.id));
    const pageHref = (n: number) => `/search?q=${encodeURIComponent(query)}${n > 1 ? `&page=${n}` : ''}`;
    // Result pages are endless combinations of words: not for search engines.
    res.set('X-Robots-Tag', 'noindex');
    res.render('search/index', {
      pageTitle: query ? `Search results for “${query}”` : 'Search',
      query,
      maxLength: MAX_QUERY_LENGTH,
      searched: query !== '',
      total,
      results: hits.map((h) => ({
        ...h,
        titleHtml: highlightToHtml(h.title_marked),
        snippetHtml: snippetToHtml(h.snippet_marked),
        tags: tags.get(h.id) ?? [],
      })),
      pagination,
      pageHref,
      canonical: pageHref(pagination.page),
    });
  }

  return { show };
}
