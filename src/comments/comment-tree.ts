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
  const n = comments.length;
  // Every comment by its position in the input: one map from ids, then arrays. A map per
  // fact grew slower than the thread (10x the comments cost 25x), arrays grow with it.
  const positionOf = new Map<number, number>();
  for (let i = 0; i < n; i++) positionOf.set(comments[i]!.id, i);

  // Children by true parent; a comment whose parent is gone is treated as a root.
  const parentAt = new Int32Array(n).fill(-1);
  const roots: number[] = [];
  const childrenAt: (number[] | undefined)[] = new Array<number[] | undefined>(n);
  for (let i = 0; i < n; i++) {
    const c = comments[i]!;
    const parent = c.parent_id === null ? undefined : positionOf.get(c.parent_id);
    if (parent === undefined || parent === i) roots.push(i);
    else {
      parentAt[i] = parent;
      (childrenAt[parent] ??= []).push(i);
    }
  }

  const kindOf = (c: C): NodeKind =>
    c.status === 'approved' ? 'comment' : c.status === 'pending' && ownPending.has(c.id) ? 'pending' : 'removed';

  // Depth-first order without recursion (a long reply chain must not exhaust the stack).
  const order: number[] = [];
  const stack = roots.reverse();
  const seen = new Uint8Array(n);
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen[i]) continue;
    seen[i] = 1;
    order.push(i);
    const kids = childrenAt[i];
    if (kids) for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
  }

  // Children before parents: does anything shown sit below this comment?
  const hasShownBelow = new Uint8Array(n);
  for (let o = order.length - 1; o >= 0; o--) {
    const i = order[o]!;
    const shown = kindOf(comments[i]!) !== 'removed' || hasShownBelow[i] === 1;
    if (shown && parentAt[i]! >= 0) hasShownBelow[parentAt[i]!] = 1;
  }

  // Parents before children: displayed depth and the node each one is listed under.
  const nodeAt: (ThreadNode<C> | undefined)[] = new Array<ThreadNode<C> | undefined>(n);
  const listedUnderAt: (ThreadNode<C> | null)[] = new Array<ThreadNode<C> | null>(n);
  const byId = new Map<number, ThreadNode<C>>();
  let count = 0;
  for (const i of order) {
    const c = comments[i]!;
    const kind = kindOf(c);
    if (kind === 'removed' && !hasShownBelow[i]) continue;
    const parentNode = parentAt[i]! >= 0 ? nodeAt[parentAt[i]!] : undefined;
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
        under = listedUnderAt[parentAt[i]!] ?? null;
        inReplyTo = parentNode.kind === 'removed' ? 'a removed comment' : parentNode.comment.author_name;
      }
    }
    const node: ThreadNode<C> = { comment: c, kind, depth, inReplyTo, children: [] };
    nodeAt[i] = node;
    listedUnderAt[i] = under;
    byId.set(c.id, node);
    if (kind === 'comment') count++;
  }

  // Time order within every list, flattened replies included: one pass over the input.
  const rootNodes: ThreadNode<C>[] = [];
  for (let i = 0; i < n; i++) {
    const node = nodeAt[i];
    if (!node) continue;
    const under = listedUnderAt[i];
    (under ? under.children : rootNodes).push(node);
  }
  return { roots: rootNodes, count, byId };
}

/** One shown comment in document order, for a template that renders the thread in one loop. */
export interface ThreadStep<C extends ThreadComment = ThreadComment> {
  node: ThreadNode<C>;
  /**
   * For a comment without replies: how many reply lists end with it, each closing its
   * list and the item of the comment that list answers. 0 for a comment with replies,
   * whose list opens after it.
   */
  closes: number;
}

/**
 * The thread flattened in document order. The page renders it with one loop: a partial
 * that included itself for every reply copied all of the template's locals each time,
 * garbage that made a long thread cost more than its length.
 */
export function documentOrder<C extends ThreadComment>(roots: readonly ThreadNode<C>[]): ThreadStep<C>[] {
  const steps: ThreadStep<C>[] = [];
  const lists: { nodes: readonly ThreadNode<C>[]; next: number }[] = [{ nodes: roots, next: 0 }];
  for (;;) {
    const list = lists[lists.length - 1]!;
    if (list.next === list.nodes.length) return steps;
    const node = list.nodes[list.next++]!;
    if (node.children.length > 0) {
      steps.push({ node, closes: 0 });
      lists.push({ nodes: node.children, next: 0 });
      continue;
    }
    let closes = 0;
    while (lists.length > 1 && lists[lists.length - 1]!.next === lists[lists.length - 1]!.nodes.length) {
      lists.pop();
      closes++;
    }
    steps.push({ node, closes });
  }
}
