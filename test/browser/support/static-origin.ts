import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticOrigin {
  /** http://127.0.0.1:<port>: another origin than the app's, on the same site. */
  origin: string;
  close(): Promise<void>;
}

/** One HTML file served at every path of a port of its own, as a dev server would serve an SPA. */
export async function serveStaticPage(file: string): Promise<StaticOrigin> {
  const page = readFileSync(file);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
