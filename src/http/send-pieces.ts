// A response body already in pieces (a kept page around its per-response stamp, a long
// thread's batches), sent as it is: no page-sized buffer made to join them.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sets Content-Length and sends `pieces` (nothing for HEAD), corked into one write. */
export function sendPieces(req: IncomingMessage, res: ServerResponse, pieces: readonly Buffer[]): void {
  res.setHeader('Content-Length', pieces.reduce((n, piece) => n + piece.length, 0));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.cork();
  for (const piece of pieces) res.write(piece);
  res.end();
  res.uncork();
}
