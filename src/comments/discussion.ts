// What the post page shows below a post: likes, the comment thread and the form.
import type { Request } from 'express';
import type { AppContext } from '../app.js';
import type { PostView } from '../posts/posts-repository.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Discussion {}

export function loadDiscussion(_ctx: AppContext, _post: PostView, _req: Request): Discussion {
  return {};
}
