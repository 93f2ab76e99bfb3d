import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with connections: pass them on, refuse them, or swallow them. */
export type FaultMode = 'pass' | 'refuse' | 'blackhole';

export interface FaultProxy {
  /** The loopback port to connect to instead of the service's. */
  port: number;
  /** `host:port` of the proxy, for a connection string. */
  address: string;
  /**
   * Switches the mode. `refuse` and `blackhole` also cut every open connection
   * (as a crash or a network partition would); `blackhole` then accepts new ones
   * and never answers.
   */
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real service (PostgreSQL, Redis) on this machine, so
 * a test can cut, refuse or blackhole its connections while the service itself
 * keeps running for everyone else.
 *
 * @example
 * const proxy = await startFaultProxy(6379);
 * const store = redisStore({ url: `redis://${proxy.address}` });
 * proxy.set('refuse'); // Redis is "down"
 */
export async function startFaultProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  const open = new Set<Socket>();

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') return; // accepted, never answered
    const upstream = connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');

  return {
    port: address.port,
    address: `127.0.0.1:${address.port}`,
    set(next) {
      mode = next;
      if (next !== 'pass') for (const socket of open) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
