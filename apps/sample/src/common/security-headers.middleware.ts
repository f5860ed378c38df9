import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { isApiDocs } from './api-docs';

/**
 * helmet's headers. The API docs, an HTML page, get helmet's defaults. JSON responses get the
 * headers that govern how a browser may use a JSON response (as the OWASP REST Security Cheat
 * Sheet lists them): a CSP that allows nothing and no framing, X-Frame-Options DENY, nosniff,
 * HSTS, the referrer and cross-origin policies. They leave out helmet's headers that only
 * concern HTML documents (X-DNS-Prefetch-Control, X-Download-Options, X-XSS-Protection,
 * Origin-Agent-Cluster, X-Permitted-Cross-Domain-Policies): on every response of the API they
 * would cost bytes and time and protect nothing.
 */
export function securityHeaders(): RequestHandler {
  const forDocs = helmet();
  const forJson = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    xFrameOptions: { action: 'deny' },
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (req, res, next) => (isApiDocs(req.path) ? forDocs : forJson)(req, res, next);
}
