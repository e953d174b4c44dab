import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  /** `http://127.0.0.1:<port>/` */
  readonly baseUrl: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A local HTTP server on 127.0.0.1 (random port) serving `files` by name; unknown names get 404.
 * `truncateTo` cuts a response short after announcing its full length (a dropped connection).
 */
export async function serveFiles(
  files: Readonly<Record<string, Uint8Array>>,
  options: { readonly truncateTo?: number } = {},
): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').split('?')[0]).replace(/^\/+/, '');
    requests.push(name);
    const body = files[name];
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
    });
    if (options.truncateTo !== undefined) {
      response.write(body.subarray(0, options.truncateTo));
      response.destroy();
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
