// A post's displayed thread as every reader without a held comment of their own sees it,
// kept per post until the content generation changes (any visible write, in any worker:
// the render cache's rule, one level down). A page with a person's own parts (a signed-
// in commenter's, staff's, a reader's who liked something) is rendered for them, but its
// thread need not be read and built again: for 10,000 comments that is 6 MB of rows that
// outlive the young generation, and the garbage collector's work grew faster than the
// thread. The nodes are shared by every page that shows them: nothing may change them.
import { createByteLru } from '../byte-lru.js';
import type { ContentGenerationRepository } from '../content/content-generation-repository.js';
import type { ThreadRow } from './comments-repository.js';
import type { Thread } from './comment-tree.js';

export interface ThreadCache {
  /** The thread of `postId` at `maxDepth`, made by `build` when none is kept for the current generation. */
  shared(postId: number, maxDepth: number, build: () => Thread<ThreadRow>): Thread<ThreadRow>;
}

// A row's fixed fields, its object and the strings beside its body: a rough heap cost.
const ROW_OVERHEAD = 400;

export function createThreadCache(generation: ContentGenerationRepository, budgetBytes: number): ThreadCache {
  const kept = createByteLru<string, { generation: number; thread: Thread<ThreadRow> }>(budgetBytes);
  return {
    shared(postId, maxDepth, build) {
      if (budgetBytes <= 0) return build();
      const now = generation.current();
      const key = `${postId}|${maxDepth}`;
      const entry = kept.get(key);
      if (entry && entry.generation === now) return entry.thread;
      const thread = build();
      let bytes = 0;
      for (const node of thread.byId.values()) bytes += ROW_OVERHEAD + node.comment.body_html.length;
      kept.set(key, { generation: now, thread }, bytes);
      return thread;
    },
  };
}
