// The author's desk: log-in, posts, comments moderation, settings.
import { Router } from 'express';
import type { AppContext } from '../app.js';

export function adminRoutes(_ctx: AppContext): Router {
  const router = Router();
  return router;
}
