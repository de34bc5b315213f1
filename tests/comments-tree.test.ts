import { describe, expect, it } from 'vitest';
import { buildThread, documentOrder, type ThreadComment, type ThreadNode } from '../src/comments/comment-tree.js';

let clock = 0;
function c(id: number, parent: number | null, status: ThreadComment['status'] = 'approved', name = `N${id}`): ThreadComment {
  return { id, parent_id: parent, status, author_name: name, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString() };
}

/** The thread as nested arrays of "id@depth" (with "^name" when flattened), for readable expectations. */
function shape(nodes: ThreadNode[]): unknown[] {
  return nodes.map((n) => {
    const label = `${n.comment.id}@${n.depth}${n.inReplyTo ? `^${n.inReplyTo}` : ''}${n.kind === 'comment' ? '' : `(${n.kind})`}`;
    return n.children.length ? [label, shape(n.children)] : label;
  });
}

describe('buildThread', () => {
  it('nests replies under their parents in time order', () => {
    const t = buildThread([c(1, null), c(2, null), c(3, 1), c(4, 3), c(5, 1)], { maxDepth: 5 });
    expect(shape(t.roots)).toEqual([['1@1', [['3@2', ['4@3']], '5@2']], '2@1']);
    expect(t.count).toBe(5);
  });

  it('shows replies below the deepest level at that level, after the other replies, with "in reply to"', () => {
    // 1 > 2 > 3 > 4 > 5 at depth 3: 4 and 5 sit beside 3, under 2, after 3's sibling 6.
    const t = buildThread([c(1, null), c(2, 1), c(3, 2), c(6, 2), c(4, 3, 'approved', 'Dora'), c(5, 4, 'approved', 'Eve')], { maxDepth: 3 });
    expect(shape(t.roots)).toEqual([['1@1', [['2@2', ['3@3', '6@3', '4@3^N3', '5@3^Dora']]]]]);
    // The true parent is kept.
    expect(t.byId.get(5)!.comment.parent_id).toBe(4);
  });

  it('flattens everything to one level at depth 1, naming each reply\'s parent', () => {
    const t = buildThread([c(1, null, 'approved', 'Ann'), c(2, 1, 'approved', 'Bob'), c(3, 2), c(4, null)], { maxDepth: 1 });
    expect(shape(t.roots)).toEqual(['1@1', '2@1^Ann', '3@1^Bob', '4@1']);
  });

  it('keeps a removed comment as a placeholder only when a shown reply sits below it', () => {
    const t = buildThread([c(1, null, 'trash'), c(2, 1), c(3, null, 'spam'), c(4, null, 'spam'), c(5, 4, 'spam')], { maxDepth: 5 });
    expect(shape(t.roots)).toEqual([['1@1(removed)', ['2@2']]]);
    expect(t.count).toBe(1);
  });

  it('keeps a placeholder for a removed comment whose shown reply is several levels down', () => {
    const t = buildThread([c(1, null), c(2, 1, 'spam'), c(3, 2, 'trash'), c(4, 3)], { maxDepth: 5 });
    expect(shape(t.roots)).toEqual([['1@1', [['2@2(removed)', [['3@3(removed)', ['4@4']]]]]]]);
    expect(t.count).toBe(2);
  });

  it('shows a pending comment to its own author only, and never counts it', () => {
    const list = [c(1, null), c(2, 1, 'pending'), c(3, null, 'pending')];
    expect(shape(buildThread(list, { maxDepth: 5 }).roots)).toEqual(['1@1']);
    const own = buildThread(list, { maxDepth: 5, ownPending: new Set([2]) });
    expect(shape(own.roots)).toEqual([['1@1', ['2@2(pending)']]]);
    expect(own.count).toBe(1);
  });

  it('treats a reply whose parent is missing as a top-level comment, dropping nothing', () => {
    expect(shape(buildThread([c(7, 99), c(8, null)], { maxDepth: 5 }).roots)).toEqual(['7@1', '8@1']);
  });

  // Its speed (linear growth) is measured by `npm run bench` (1,000 against 10,000 comments), not timed here.
  it('handles a 5,000-deep chain and 20,000 comments without recursion', () => {
    const chain: ThreadComment[] = [c(1, null)];
    for (let i = 2; i <= 5000; i++) chain.push(c(i, i - 1));
    const deep = buildThread(chain, { maxDepth: 10 });
    expect(deep.count).toBe(5000);
    let node = deep.roots[0]!;
    while (node.children.length === 1) node = node.children[0]!;
    expect(node.depth).toBe(9);
    expect(node.children.length).toBe(4991);
    expect(node.children.at(-1)!.inReplyTo).toBe('N4999');

    const wide: ThreadComment[] = [];
    for (let i = 1; i <= 20_000; i++) wide.push(c(i, i > 10 ? ((i * 7919) % (i - 1)) + 1 : null));
    const t = buildThread(wide, { maxDepth: 6 });
    expect(t.count).toBe(20_000);
  });
});

describe('documentOrder', () => {
  /** The markup the page's loop writes: "(id" opens an item, "[" and "]" a reply list, ")" closes an item. */
  function markup(nodes: ThreadNode[]): string {
    return documentOrder(nodes).map(({ node, closes }) =>
      `(${node.comment.id}${node.children.length > 0 ? '[' : `)${'])'.repeat(closes)}`}`).join('');
  }
  /** The same markup written by recursion, the way a nested list reads. */
  function nested(nodes: ThreadNode[]): string {
    return nodes.map((n) => `(${n.comment.id}${n.children.length > 0 ? `[${nested(n.children)}]` : ''})`).join('');
  }

  it('lists every comment once, in the order and nesting a recursive walk gives', () => {
    const t = buildThread([c(1, null), c(2, null), c(3, 1), c(4, 3), c(5, 1), c(6, 4), c(7, 2)], { maxDepth: 5 });
    expect(markup(t.roots)).toBe('(1[(3[(4[(6)])])(5)])(2[(7)])');
    expect(markup(t.roots)).toBe(nested(t.roots));
    expect(documentOrder([])).toEqual([]);
  });

  it('closes a deep chain and a wide random thread exactly as they opened', () => {
    const chain: ThreadComment[] = [c(1, null)];
    for (let i = 2; i <= 300; i++) chain.push(c(i, i - 1));
    const deep = buildThread(chain, { maxDepth: 300 });
    expect(markup(deep.roots)).toBe(nested(deep.roots));
    const wide: ThreadComment[] = [];
    for (let i = 1; i <= 2_000; i++) wide.push(c(i, i > 5 ? ((i * 7919) % (i - 1)) + 1 : null));
    const t = buildThread(wide, { maxDepth: 6 });
    expect(markup(t.roots)).toBe(nested(t.roots));
    expect(documentOrder(t.roots)).toHaveLength(2_000);
  });
});
