import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { AllowedOrigins } from 'nest-session-kit';
import { isApiDocs } from './api-docs';

/**
 * helmet's headers. The API docs, an HTML page, get helmet's defaults. JSON responses get the
 * headers that govern how a browser may use a JSON response (as the OWASP REST Security Cheat
 * Sheet lists them): a CSP that allows nothing and no framing, X-Frame-Options DENY, nosniff,
 * HSTS, the referrer and cross-origin policies. They leave out helmet's headers that only
 * concern HTML documents (X-DNS-Prefetch-Control, X-Download-Options, X-XSS-Protection,
 * Origin-Agent-Cluster, X-Permitted-Cross-Domain-Policies): on every response of the API they
 * would cost bytes and time and protect nothing. Answers to an allowed origin (ALLOWED_ORIGINS)
 * say `Cross-Origin-Resource-Policy: cross-origin`, so that origin may read them.
 */
export function securityHeaders(allowedOrigins: AllowedOrigins): RequestHandler {
  const forDocs = helmet();
  const forJson = headersSetBy(
    helmet({
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
    }),
  );
  return (req, res, next) => {
    if (isApiDocs(req.path)) return forDocs(req, res, next);
    for (const [name, value] of forJson) res.setHeader(name, value);
    if (allowedOrigins.includes(req.headers.origin)) {
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    next();
  };
}

/**
 * The headers a helmet configuration sets, read once. Without per-request CSP directives
 * (nonces), helmet sets the same headers on every response: setting them in one step spares the
 * API helmet's chain of one middleware call per header. helmet's removal of X-Powered-By is left
 * out: the app turns that header off in Express (configureApp).
 */
function headersSetBy(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}
