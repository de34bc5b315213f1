// A post's thread in pages of whole top-level threads (`?cpage=N`), as WordPress splits
// it: the oldest threads first, each top-level comment with all its replies on one page.
// Pure: the post page and the `/comments/:id` redirect both place comments with it.
import type { Thread, ThreadComment, ThreadNode } from './comment-tree.js';

export interface ThreadPage<C extends ThreadComment = ThreadComment> {
  /** From 1. */
  page: number;
  pageCount: number;
  /** The top-level threads this page shows. */
  roots: ThreadNode<C>[];
}

/** Whether the public sees this thread: an approved comment somewhere in it. The depth is capped, so the recursion is shallow. */
function isPublic(node: ThreadNode): boolean {
  return node.kind === 'comment' || node.children.some(isPublic);
}

/**
 * Splits the threads into pages of `perPage` (0: one page). A thread's page counts only
 * the public threads before it, so a reader's own held comment never moves anyone
 * else's thread to another page, and the pages are the same for every reader.
 */
export function splitThreads<C extends ThreadComment>(roots: readonly ThreadNode<C>[], perPage: number): ThreadNode<C>[][] {
  if (perPage <= 0) return [[...roots]];
  const publicCount = roots.reduce((n, root) => (isPublic(root) ? n + 1 : n), 0);
  const pages: ThreadNode<C>[][] = Array.from({ length: Math.max(1, Math.ceil(publicCount / perPage)) }, () => []);
  let before = 0;
  for (const root of roots) {
    pages[Math.min(Math.floor(before / perPage), pages.length - 1)]!.push(root);
    if (isPublic(root)) before++;
  }
  return pages;
}

/** The id of the top-level comment whose thread shows comment `id`, if it shows. */
export function threadRootOf(thread: Thread, id: number): number | undefined {
  let node: ThreadNode | undefined = thread.byId.get(id);
  if (!node) return undefined;
  // Every shown node was reached from a root, so its chain of true parents ends at one.
  for (;;) {
    const parentId: number | null = node.comment.parent_id;
    const parent: ThreadNode | undefined = parentId === null ? undefined : thread.byId.get(parentId);
    if (!parent || parent === node) return node.comment.id;
    node = parent;
  }
}

/**
 * The page to show: the one holding `focusId` (a comment being answered or a held one
 * just sent) when it shows, else `requested`. Undefined when `requested` is past the end.
 */
export function threadPage<C extends ThreadComment>(thread: Thread<C>, perPage: number, requested: number, focusId?: number): ThreadPage<C> | undefined {
  const pages = splitThreads(thread.roots, perPage);
  const rootId = focusId === undefined ? undefined : threadRootOf(thread, focusId);
  const holding = rootId === undefined ? -1 : pages.findIndex((roots) => roots.some((r) => r.comment.id === rootId));
  const page = holding >= 0 ? holding + 1 : requested;
  if (page > pages.length) return undefined;
  return { page, pageCount: pages.length, roots: pages[page - 1]! };
}
