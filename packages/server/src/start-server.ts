import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTollgate, type CreateTollgateOptions, type Tollgate } from './create-tollgate.js';

/** Options of {@link startServer}: the gateway's, plus where to listen. */
export interface StartServerOptions extends CreateTollgateOptions {
  /** Port (default: the config's `server.port`, 4000); 0 picks a free one. */
  readonly port?: number;
  /** Host (default: the config's `server.host`, 127.0.0.1). */
  readonly host?: string;
}

/** A standalone gateway server. */
export interface RunningServer {
  readonly tollgate: Tollgate;
  readonly server: Server;
  /** `http://host:port` */
  readonly url: string;
  /** Stops accepting connections, drains requests in flight, closes the gateway. */
  close(): Promise<void>;
}

/**
 * Starts Tollgate as its own HTTP server: the gateway's routes on a plain `node:http` server (the same
 * handlers the Express router mounts, without Express's per-request cost), and a 404 in OpenAI's
 * shape for anything else.
 *
 * @example
 * const { url, close } = await startServer({ configFile: 'tollgate.config.yaml', port: 4000 });
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const tollgate = await createTollgate(options);
  const server = createServer(tollgate.requestListener);
  // Longer than common load balancers' idle timeouts, so they close idle connections first.
  server.keepAliveTimeout = 65_000;
  const port = options.port ?? tollgate.config.server.port;
  const host = options.host ?? tollgate.config.server.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await tollgate.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    tollgate,
    server,
    url,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await tollgate.close();
        server.closeAllConnections();
        await closed;
      })()),
  };
}
