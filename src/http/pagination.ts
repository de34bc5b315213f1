// Page numbers from `?page=`: a positive whole number within the listing, else 404.
import { notFound } from './errors.js';

export interface Pagination {
  page: number;
  pageCount: number;
  limit: number;
  offset: number;
}

/** A page number from the query as received (string, array or absent): absent is page 1, anything but a positive whole number is 404. */
export function pageNumber(raw: unknown): number {
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) throw notFound();
  return Number(raw);
}

/** `raw` is the query value as received (string, array or absent). */
export function paginate(raw: unknown, total: number, perPage: number): Pagination {
  const page = pageNumber(raw);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  if (page > pageCount) throw notFound();
  return { page, pageCount, limit: perPage, offset: (page - 1) * perPage };
}

/** The link builder the pagination partial takes: `basePath` with `query`, and `param` (`page`) from page 2 on. */
export function pageLinks(basePath: string, query: Readonly<Record<string, string>> = {}, param = 'page'): (page: number) => string {
  return (page) => {
    const q = new URLSearchParams(query);
    if (page > 1) q.set(param, String(page));
    const search = q.toString();
    return search ? `${basePath}?${search}` : basePath;
  };
}
