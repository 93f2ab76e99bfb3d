// A Latchkey server as a Bun or Deno user writes it, from the package's built
// entries: `Bun.serve` with `toBunHandler`, `Deno.serve` with `toDenoHandler`.
// Prints `{"runtime", "port"}` once it listens on 127.0.0.1.
import { createLatchkey } from '../../dist/index.js';
import { memoryStore } from '../../dist/memory.js';

const latchkey = createLatchkey({
  rpName: 'Latchkey on Bun and Deno',
  origins: ['http://localhost:3000'],
  store: memoryStore(),
  secret: 'runtime-test-secret-0123456789abcdef0123456789abcdef',
  // Three options requests a minute per client address: the fourth from the
  // same address is refused only if the adapter passed the socket peer.
  rateLimit: { window: 60, perIp: 3, perAccount: 100 },
});

const announce = (runtime, port) => console.log(JSON.stringify({ runtime, port }));

if (typeof Bun !== 'undefined') {
  const { toBunHandler } = await import('../../dist/bun.js');
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: toBunHandler(latchkey.handler),
  });
  announce(`bun ${Bun.version}`, server.port);
} else if (typeof Deno !== 'undefined') {
  const { toDenoHandler } = await import('../../dist/deno.js');
  Deno.serve(
    {
      hostname: '127.0.0.1',
      port: 0,
      onListen: ({ port }) => announce(`deno ${Deno.version.deno}`, port),
    },
    toDenoHandler(latchkey.handler),
  );
} else {
  throw new Error('run me with bun or deno');
}
