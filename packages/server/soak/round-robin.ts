import { connect, createServer, type Socket } from 'node:net';

export interface RoundRobin {
  port: number;
  /** Connections passed to each backend port. */
  counts: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A TCP load balancer on 127.0.0.1, as a small deployment puts in front of its
 * instances: each new connection goes to the next backend; one that refuses
 * (a process that died and is restarting) is skipped for the next, like
 * nginx's `proxy_next_upstream error`. A connection already passed on is cut
 * when its backend dies.
 *
 * @example
 * const balancer = await startRoundRobin([4001, 4002, 4003]);
 */
export async function startRoundRobin(backends: number[]): Promise<RoundRobin> {
  let next = 0;
  const open = new Set<Socket>();
  const counts = new Map<number, number>(backends.map((port) => [port, 0]));

  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const attempt = (left: number) => {
      const port = backends[next++ % backends.length]!;
      const upstream = connect(port, '127.0.0.1');
      const refused = () => {
        upstream.destroy();
        if (left > 1 && !client.destroyed) attempt(left - 1);
        else client.destroy();
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.removeListener('error', refused);
        counts.set(port, (counts.get(port) ?? 0) + 1);
        open.add(upstream);
        upstream.on('error', () => upstream.destroy());
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(backends.length);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return {
    port: address.port,
    counts,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
