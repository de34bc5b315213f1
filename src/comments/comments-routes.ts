// Comment routes: posting comments and replies, likes, and the post's comment feed.
import { Router } from 'express';
import type { AppContext } from '../app.js';

export function commentsRoutes(_ctx: AppContext): Router {
  const router = Router();
  return router;
}
