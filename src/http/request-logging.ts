// Request logs that keep no raw address, cookie, email or query string: method, path,
// status and time are enough to run a blog, and they are not personal data. A failure
// is logged with its error by the error handler (errors.ts). It sits in front of the
// app, so a page answered from the render cache is logged like any other; below the
// info level it costs a request nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export function requestLogging(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  if (!logger.isLevelEnabled('info')) return () => {};
  return (req, res) => {
    const started = performance.now();
    // As asked: routers mounted on a path rewrite req.url while they answer.
    const url = req.url ?? '';
    res.once('finish', () => {
      const entry = {
        req: { method: req.method, path: url.split('?')[0] },
        res: { status: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (res.statusCode >= 500) logger.error(entry, 'request completed');
      else logger.info(entry, 'request completed');
    });
  };
}
