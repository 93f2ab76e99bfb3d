import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does with connections: pass them on, pass them on late (each
 * chunk held `delayMs` in each direction), refuse them, refuse only new ones,
 * or swallow them.
 */
export type FaultMode = 'pass' | 'delay' | 'refuse' | 'refuse-new' | 'blackhole';

export interface FaultProxy {
  /** The loopback port to connect to instead of the service's. */
  port: number;
  /** `host:port` of the proxy, for a connection string. */
  address: string;
  /**
   * Switches the mode. `refuse-new` keeps open connections and refuses new
   * ones (a server that stopped accepting). `refuse` and `blackhole` also cut every open connection
   * (as a crash or a network partition would); `blackhole` then accepts new ones
   * and never answers; leaving it cuts those (the first packet after a
   * partition heals meets a reset: the far end never knew them). `delay` slows
   * open and new connections alike, by `delayMs` (default 200) each way.
   */
  set(mode: FaultMode, delayMs?: number): void;
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
  let delayMs = 200;
  const open = new Set<Socket>();
  const swallowed = new Set<Socket>();

  // Forwards in order; while the mode is `delay`, each chunk is held `delayMs`
  // (a slow link, not a slow reader: a later chunk never waits on an earlier one
  // longer than that) and nothing overtakes what is still held.
  const forward = (from: Socket, to: Socket) => {
    const held: { at: number; chunk: Buffer | null }[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pump = () => {
      timer = undefined;
      while (held.length && held[0]!.at <= performance.now()) {
        const { chunk } = held.shift()!;
        if (to.destroyed) return;
        if (chunk === null) to.end();
        else to.write(chunk);
      }
      if (held.length) timer = setTimeout(pump, held[0]!.at - performance.now());
    };
    const push = (chunk: Buffer | null) => {
      if (mode !== 'delay' && !held.length) {
        if (chunk === null) to.end();
        else to.write(chunk);
        return;
      }
      held.push({ at: performance.now() + (mode === 'delay' ? delayMs : 0), chunk });
      timer ??= setTimeout(pump, held[0]!.at - performance.now());
    };
    from.on('data', (chunk: Buffer) => push(chunk));
    from.on('end', () => push(null));
    to.on('close', () => clearTimeout(timer));
  };

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'refuse' || mode === 'refuse-new') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') {
      swallowed.add(client); // accepted, never answered
      client.on('close', () => swallowed.delete(client));
      return;
    }
    const upstream = connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    forward(client, upstream);
    forward(upstream, client);
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
    set(next, delay) {
      mode = next;
      if (delay !== undefined) delayMs = delay;
      if (next === 'refuse' || next === 'blackhole') for (const socket of open) socket.destroy();
      else for (const socket of swallowed) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
