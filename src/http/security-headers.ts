// Security headers through helmet: a strict Content-Security-Policy (no inline script
// or style anywhere), no framing, no referrer leaking post URLs to other sites.
import helmet from 'helmet';

/**
 * `formTargets`: origins outside this site that a form may end up at. The comment form's
 * sign-in buttons POST here and are redirected to their provider, and browsers apply
 * form-action to that redirect too.
 */
export function securityHeaders(https: boolean, formTargets: () => readonly string[] = () => []) {
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
        formAction: ["'self'", () => formTargets().join(' ')],
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
