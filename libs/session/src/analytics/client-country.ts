import type { Request } from 'express';

export const UNKNOWN_COUNTRY = 'unknown';
/** Codes that proxies send for "no country": Cloudflare's XX (unknown) and T1 (Tor). */
const NOT_A_COUNTRY = new Set(['XX', 'T1']);

/**
 * The client's country from a header set by the proxy in front (CF-IPCountry, say): an ISO 3166
 * alpha-2 code in upper case, or 'unknown' when the header is missing or not two letters.
 */
export function clientCountryOf(request: Request, headerName: string): string {
  const raw = request.headers[headerName.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim().toUpperCase();
  if (!value || !/^[A-Z]{2}$/.test(value) || NOT_A_COUNTRY.has(value)) return UNKNOWN_COUNTRY;
  return value;
}
