'use strict';

const http = require('node:http');

/**
 * One visitor's cookies and CSRF token, usable against any instance of the app (the same cookie,
 * so the same session). Requests go through the keep-alive `agent` given per instance.
 */
class CookieClient {
  constructor(userAgent = 'nest-session-kit-soak') {
    this.userAgent = userAgent;
    this.cookies = new Map();
    this.csrfToken = undefined;
  }

  get hasCookie() {
    return this.cookies.size > 0;
  }

  forget() {
    this.cookies.clear();
    this.csrfToken = undefined;
  }

  /** Resolves to `{ status, body }` (body parsed as JSON when it is); rejects on a network error. */
  send(target, method, path, body, timeoutMs = 10_000) {
    const headers = { 'user-agent': this.userAgent };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: target.port, method, path, headers, agent: target.agent },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            this.keep(res.headers['set-cookie'] ?? []);
            const text = Buffer.concat(chunks).toString();
            let parsed = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode, body: parsed });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  keep(lines) {
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, date] = attribute.trim().split('=');
        return key.toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
      });
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * An instance to send to: its port and a keep-alive agent of at most `sockets` connections. An
 * idle connection is closed after 4 s, before Node's server closes it (its keep-alive timeout is
 * 5 s): a request sent on a connection the server is closing fails with ECONNRESET, a race of
 * the client's making that browsers paper over by retrying.
 */
function target(port, sockets) {
  return { port, agent: new http.Agent({ keepAlive: true, maxSockets: sockets, timeout: 4000 }) };
}

module.exports = { CookieClient, target };
