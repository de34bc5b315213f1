// Security headers through helmet: a strict Content-Security-Policy (no inline script
// or style anywhere), no framing, no referrer leaking post URLs to other sites.
import type { Response } from 'express';
import helmet from 'helmet';

/**
 * Lets this page's forms end up at `origins` too. A sign-in button of the comment form
 * POSTs here and is redirected to its provider, and browsers hold that redirect to the
 * page's form-action rule. Set by the page that shows such a form, so the render cache
 * keeps it with the page.
 */
export function allowFormTargets(res: Response, origins: readonly string[]): void {
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy !== 'string' || origins.length === 0) return;
  res.setHeader('Content-Security-Policy', policy.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`));
}

export function securityHeaders(https: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 15552000 } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
}
