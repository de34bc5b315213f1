// The comment thread as a pure function: one pass to group comments by parent, one
// to decide what shows and at which depth, one to place each comment in time order.
// The true parent is never rewritten; only the displayed depth is capped.
import type { Comment } from './comments-repository.js';

export type ThreadComment = Pick<Comment, 'id' | 'parent_id' | 'status' | 'author_name' | 'created_at'>;

export type NodeKind = 'comment' | 'pending' | 'removed';

export interface ThreadNode<C extends ThreadComment = ThreadComment> {
  comment: C;
  kind: NodeKind;
  /** Displayed depth, from 1 to the thread depth. */
  depth: number;
  /** The true parent's name when the comment is shown flattened away from it. */
  inReplyTo: string | null;
  children: ThreadNode<C>[];
}

export interface Thread<C extends ThreadComment = ThreadComment> {
  roots: ThreadNode<C>[];
  /** Approved comments: what "N Responses" counts. */
  count: number;
  /** Every shown node by id, to find a comment to reply to without another query. */
  byId: Map<number, ThreadNode<C>>;
}

export interface ThreadOptions {
  maxDepth: number;
  /** Held comments the current reader wrote, shown to them alone. */
  ownPending?: ReadonlySet<number>;
}

/**
 * Builds the displayed thread from a post's comments in time order (any statuses).
 * Approved comments show; a reader's own pending ones show to them; anything else
 * shows only as a placeholder, and only when a shown comment sits below it.
 */
export function buildThread<C extends ThreadComment>(comments: readonly C[], { maxDepth, ownPending = new Set() }: ThreadOptions): Thread<C> {
  const depthCap = Math.max(1, Math.floor(maxDepth));
  const known = new Map<number, C>();
  for (const c of comments) known.set(c.id, c);

  // Children by true parent; a comment whose parent is gone is treated as a root.
  const roots: C[] = [];
  const childrenOf = new Map<number, C[]>();
  for (const c of comments) {
    const parent = c.parent_id === null ? undefined : known.get(c.parent_id);
    if (!parent || parent.id === c.id) roots.push(c);
    else {
      const list = childrenOf.get(parent.id);
      if (list) list.push(c);
      else childrenOf.set(parent.id, [c]);
    }
  }

  const kindOf = (c: C): NodeKind =>
    c.status === 'approved' ? 'comment' : c.status === 'pending' && ownPending.has(c.id) ? 'pending' : 'removed';

  // Depth-first order without recursion (a long reply chain must not exhaust the stack).
  const order: C[] = [];
  const stack = [...roots].reverse();
  const seen = new Set<number>();
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    order.push(c);
    const kids = childrenOf.get(c.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }

  // Children before parents: does anything shown sit below this comment?
  const hasShownBelow = new Set<number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i]!;
    const shown = kindOf(c) !== 'removed' || hasShownBelow.has(c.id);
    if (shown && c.parent_id !== null && known.has(c.parent_id)) hasShownBelow.add(c.parent_id);
  }

  // Parents before children: displayed depth and the node each one is listed under.
  const byId = new Map<number, ThreadNode<C>>();
  const listedUnder = new Map<number, ThreadNode<C> | null>();
  let count = 0;
  for (const c of order) {
    const kind = kindOf(c);
    if (kind === 'removed' && !hasShownBelow.has(c.id)) continue;
    const parentNode = c.parent_id === null ? undefined : byId.get(c.parent_id);
    let depth = 1;
    let under: ThreadNode<C> | null = null;
    let inReplyTo: string | null = null;
    if (parentNode) {
      if (parentNode.depth < depthCap) {
        depth = parentNode.depth + 1;
        under = parentNode;
      } else {
        // Below the deepest level: beside the parent, under the parent's own parent.
        depth = depthCap;
        under = listedUnder.get(parentNode.comment.id) ?? null;
        inReplyTo = parentNode.kind === 'removed' ? 'a removed comment' : parentNode.comment.author_name;
      }
    }
    const node: ThreadNode<C> = { comment: c, kind, depth, inReplyTo, children: [] };
    byId.set(c.id, node);
    listedUnder.set(c.id, under);
    if (kind === 'comment') count++;
  }

  // Time order within every list, flattened replies included: one pass over the input.
  const rootNodes: ThreadNode<C>[] = [];
  for (const c of comments) {
    const node = byId.get(c.id);
    if (!node) continue;
    const under = listedUnder.get(c.id);
    (under ? under.children : rootNodes).push(node);
  }
  return { roots: rootNodes, count, byId };
}
