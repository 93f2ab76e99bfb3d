// The built package as users install it: which entry point each runtime gets, what
// an edge bundle pulls in, and how the embedded default store behaves. These tests
// read `dist/` (turbo builds it before `test`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const JWT_BUDGET = 15 * 1024;
const scratch = mkdtempSync(join(tmpdir(), 'latchkey-entry-points-'));

beforeAll(() => {
  for (const file of ['index.js', 'index.node.js', 'index.cjs', 'jwt.js', 'memory.cjs']) {
    if (!existsSync(join(packageDir, 'dist', file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build -w @latchkey/server\` first`);
    }
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface EdgeBundle {
  code: Uint8Array;
  gzip: number;
  builtins: string[];
  /** Every module the bundler reached. */
  inputs: string[];
  /** The modules that left code in the bundle after tree-shaking. */
  kept: string[];
}

/**
 * Bundles `source` the way Wrangler bundles a Worker (workerd conditions, no
 * `node` condition, no Node built-ins), recording every Node built-in reached
 * instead of failing on the first.
 */
async function bundleForWorkers(source: string): Promise<EdgeBundle> {
  const builtins: string[] = [];
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        builtins.push(`${args.path} (from ${args.importer})`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    stdin: { contents: source, resolveDir: packageDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote nothing');
  const metafile = result.metafile as Metafile;
  const kept = Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([file]) => file);
  return {
    code: output.contents,
    gzip: gzipSync(output.contents, { level: 9 }).length,
    builtins,
    inputs: Object.keys(metafile.inputs),
    kept,
  };
}

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: packageDir, env: { ...process.env, ...env }, timeout: 100_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const killed = error?.signal ? `\n(killed by ${error.signal})` : '';
        resolve({ code, stdout, stderr: stderr + killed });
      },
    );
  });
}

/** Runs an ES module in a fresh Node process, from the package folder. */
const runModule = (code: string, env?: Record<string, string>) =>
  run(['--input-type=module', '-e', code], env);

/**
 * A secret outside the store (production requires one) and a proxy that names
 * the client, so no start-up warning is expected on stderr.
 */
const CONFIG =
  "{ rpName: 'Edge', origins: ['https://app.example'], secret: 'entry-points-test-secret-0123456789abcdef', trustProxy: 'cloudflare' }";
/** A request that needs the store and the crypto: sign-in options (a stored challenge). */
const AUTH_OPTIONS = `new Request('https://app.example/auth/passkeys/auth-options', {
  method: 'POST',
  headers: {
    origin: 'https://app.example',
    'content-type': 'application/json',
    'cf-connecting-ip': '203.0.113.7',
  },
  body: '{}',
})`;

const STORE_DRIVERS = /node_modules\/(@electric-sql\/pglite|pg|pg-[a-z-]+|ioredis|nodemailer)\//;

describe('edge runtimes', () => {
  it('the main entry bundles for Workers with no Node built-in and no store driver', async () => {
    const bundle = await bundleForWorkers("export * from '@latchkey/server';");
    expect(bundle.builtins).toEqual([]);
    expect(bundle.inputs.filter((file) => STORE_DRIVERS.test(file))).toEqual([]);
    expect(bundle.inputs.some((file) => file.endsWith('dist/index.js'))).toBe(true);
    expect(bundle.inputs.some((file) => file.endsWith('dist/index.node.js'))).toBe(false);
    // The OpenAPI document (`openapi: true`) is loaded from node_modules, never bundled.
    expect(bundle.inputs.filter((file) => file.endsWith('openapi.json'))).toEqual([]);
    console.log(`@latchkey/server for workerd: ${(bundle.gzip / 1024).toFixed(1)} KB gzip`);
  });

  it('each store bundles apart: /memory has no Node built-in, /pglite, /postgres and /redis stay out of the main entry', async () => {
    const memory = await bundleForWorkers("export * from '@latchkey/server/memory';");
    expect(memory.builtins).toEqual([]);
    const main = await bundleForWorkers(
      "export { createLatchkey, combineStores } from '@latchkey/server';",
    );
    for (const store of ['pglite', 'postgres', 'redis']) {
      expect(main.inputs.some((file) => file.endsWith(`dist/${store}.js`))).toBe(false);
    }
  });

  it('nodemailer stays in /smtp: the main entry, email transports included, never reaches it', async () => {
    const main = await bundleForWorkers(
      "export { createLatchkey, consoleTransport, memoryTransport } from '@latchkey/server';",
    );
    expect(main.builtins).toEqual([]);
    expect(main.inputs.some((file) => file.includes('node_modules/nodemailer/'))).toBe(false);
    expect(main.inputs.some((file) => file.endsWith('dist/smtp.js'))).toBe(false);
  });

  it(`/jwt bundles alone for Workers, within ${JWT_BUDGET / 1024} KB gzip with jose`, async () => {
    const bundle = await bundleForWorkers(
      "export { verifyLatchkeyJwt } from '@latchkey/server/jwt';",
    );
    expect(bundle.builtins).toEqual([]);
    expect(bundle.inputs.some((file) => file.includes('node_modules/jose/'))).toBe(true);
    expect(bundle.kept.filter((file) => /@simplewebauthn|node_modules\/zod\//.test(file))).toEqual(
      [],
    );
    console.log(`@latchkey/server/jwt: ${(bundle.gzip / 1024).toFixed(2)} KB gzip`);
    expect(bundle.gzip).toBeLessThanOrEqual(JWT_BUDGET);
  });

  it('the Workers bundle answers a request in a process with no `process` global, and asks for a store when none is given', async () => {
    const bundle = await bundleForWorkers(
      "export { createLatchkey } from '@latchkey/server'; export { memoryStore } from '@latchkey/server/memory';",
    );
    const file = join(scratch, 'edge-bundle.mjs');
    writeFileSync(file, bundle.code);
    const { code, stdout, stderr } = await runModule(`
      delete globalThis.process;
      const { createLatchkey, memoryStore } = await import(${JSON.stringify(pathToFileURL(file).href)});
      let missing = null;
      try { createLatchkey(${CONFIG}); } catch (error) { missing = { name: error.name, message: error.message }; }
      const latchkey = createLatchkey({ ...${CONFIG}, store: memoryStore() });
      const response = await latchkey.handler(${AUTH_OPTIONS});
      const body = await response.json();
      console.log(JSON.stringify({ status: response.status, challenge: typeof body.options?.challenge, missing }));
    `);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as {
      status: number;
      challenge: string;
      missing: { name: string; message: string } | null;
    };
    expect(answer.status).toBe(200);
    expect(answer.challenge).toBe('string');
    expect(answer.missing?.name).toBe('TypeError');
    expect(answer.missing?.message).toContain("'@latchkey/server/postgres'");
    expect(answer.missing?.message).toContain("'@latchkey/server/memory'");
  });
});

describe('Node, Bun and Deno: the `node` export condition', () => {
  it('Node, and bundlers targeting Node, resolve the main entry to the one with the default store', async () => {
    const esm = await runModule("console.log(import.meta.resolve('@latchkey/server'))");
    expect(esm.stdout.trim()).toMatch(/\/dist\/index\.node\.js$/);
    const cjs = await run([
      '--input-type=commonjs',
      '-e',
      "console.log(require.resolve('@latchkey/server'))",
    ]);
    expect(cjs.stdout.trim()).toMatch(/\/dist\/index\.node\.cjs$/);

    const result = await build({
      stdin: {
        contents: "export { createLatchkey } from '@latchkey/server';",
        resolveDir: packageDir,
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['@electric-sql/pglite'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((file) => file.endsWith('dist/index.node.js'))).toBe(true);
    const [output] = Object.values(result.metafile.outputs);
    expect(output?.imports.map((i) => i.path)).toContain('@electric-sql/pglite');
  });

  it('without a store, createLatchkey runs on PGlite in ./.latchkey', async () => {
    const dir = mkdtempSync(join(scratch, 'default-'));
    const { code, stdout, stderr } = await runModule(`
      import { existsSync } from 'node:fs';
      const { createLatchkey } = await import('@latchkey/server');
      process.chdir(${JSON.stringify(dir)});
      const latchkey = createLatchkey(${CONFIG});
      await latchkey.ready();
      const response = await latchkey.handler(${AUTH_OPTIONS});
      await latchkey.close();
      console.log(JSON.stringify({ status: response.status, dataDir: existsSync('.latchkey/PG_VERSION') }));
    `);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ status: 200, dataDir: true });
  }, 120_000); // PGlite compiles its WebAssembly and runs initdb: 20 s and more on a busy machine

  it('with NODE_ENV=production, the default store warns at start; a given store does not', async () => {
    const script = (store: string) => `
      const { createLatchkey } = await import('@latchkey/server');
      const { memoryStore } = await import('@latchkey/server/memory');
      createLatchkey({ ...${CONFIG}${store} });
    `;
    const fallback = await runModule(script(''), { NODE_ENV: 'production' });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain('WARNING: NODE_ENV=production but no `store` was given');
    expect(fallback.stderr).toContain("'@latchkey/server/postgres'");

    const given = await runModule(script(', store: memoryStore()'), { NODE_ENV: 'production' });
    expect(given.code).toBe(0);
    expect(given.stderr).toBe('');
  });

  it('without @electric-sql/pglite installed, the default store names the package to install', async () => {
    // A resolve hook that answers the way Node does for a package that is not installed.
    const hooks = `export async function resolve(specifier, context, next) {
      if (specifier === '@electric-sql/pglite') {
        throw Object.assign(new Error("Cannot find package '@electric-sql/pglite'"), { code: 'ERR_MODULE_NOT_FOUND' });
      }
      return next(specifier, context);
    }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(
      `data:text/javascript,${encodeURIComponent(hooks)}`,
    )});`;
    const dir = mkdtempSync(join(scratch, 'no-pglite-'));
    const { code, stdout } = await run([
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      '--input-type=module',
      '-e',
      `
      const { createLatchkey } = await import('@latchkey/server');
      process.chdir(${JSON.stringify(dir)});
      const logged = [];
      const latchkey = createLatchkey({ ...${CONFIG}, logger: (message, error) => logged.push(error.message) });
      const ready = await latchkey.ready().then(() => 'ready', (error) => error.message);
      const response = await latchkey.handler(${AUTH_OPTIONS});
      const body = await response.json();
      console.log(JSON.stringify({ ready, status: response.status, code: body.error?.code, logged }));
    `,
    ]);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as {
      ready: string;
      status: number;
      code: string;
      logged: string[];
    };
    expect(answer.ready).toContain('npm install @electric-sql/pglite');
    expect(answer.status).toBe(503);
    expect(answer.code).toBe('STORE_UNAVAILABLE');
    expect(answer.logged.join('\n')).toContain('npm install @electric-sql/pglite');
  });
});

describe('store entry points', () => {
  for (const format of ['module', 'commonjs'] as const) {
    it(`a store from a subpath throws the errors the main entry knows (${format})`, async () => {
      const load =
        format === 'module'
          ? "const { createLatchkey } = await import('@latchkey/server'); const { memoryStore } = await import('@latchkey/server/memory');"
          : "const { createLatchkey } = require('@latchkey/server'); const { memoryStore } = require('@latchkey/server/memory');";
      const body = `
        ${load}
        const store = memoryStore();
        const latchkey = createLatchkey({ ...${CONFIG}, store, logger: () => {} });
        await store.close();
        const response = await latchkey.handler(${AUTH_OPTIONS});
        console.log(JSON.stringify({ status: response.status, code: (await response.json()).error?.code }));
      `;
      const source = format === 'module' ? body : `(async () => { ${body} })();`;
      const { code, stdout, stderr } = await run([`--input-type=${format}`, '-e', source]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      // A second copy of StoreUnavailableError would make this a 500 INTERNAL_ERROR.
      expect(JSON.parse(stdout)).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
    });
  }

  // What a store author writes against: the contract, its parts and records, and the
  // options of the stores whose types name no driver (PgliteStoreOptions names PGlite's).
  const STORE_AUTHOR_SOURCE = `
    import {
      type AccountFallbacks, type AuditRecord, type AuditStore, type ChallengeRecord,
      type CredentialRecord, type CredentialShape, type CredentialStore, type CredentialUse,
      type DeviceCodeRecord, type DeviceInfo, type DurableStore, type EmailLinkRecord,
      type EphemeralStore, type EphemeralStoreAdapter, type LatchkeyStore, type Millis,
      type NewAccount, type PairingRecord, type PasswordRecord, type PgPoolClientLike,
      type PgPoolLike, type PostgresStoreOptions, type RateLimitHit, type RecoveryCodeRecord,
      type RecoveryCodeStore, type RedisClientLike, type RedisStoreOptions, type SecretStore,
      type SessionRecord, type SessionStore, type SigningKeyRecord, type TokenRecord,
      type TokenStore, type UserRecord, type UserStore,
      combineStores, StoreConflictError, StoreUnavailableError,
    } from '@latchkey/server';

    type Records = [AccountFallbacks, AuditRecord, ChallengeRecord, CredentialRecord,
      CredentialShape, CredentialUse, DeviceCodeRecord, DeviceInfo, EmailLinkRecord, Millis,
      NewAccount, PairingRecord, PasswordRecord, RateLimitHit, RecoveryCodeRecord,
      SessionRecord, SigningKeyRecord, TokenRecord, UserRecord];
    type Options = [PgPoolClientLike, PgPoolLike, PostgresStoreOptions, RedisClientLike,
      RedisStoreOptions];
    export type Exported = [Records, Options];

    // The parts compose the durable half; a whole store is an ephemeral adapter too.
    export function durable(store: UserStore & CredentialStore & SessionStore &
      RecoveryCodeStore & TokenStore & AuditStore & SecretStore): DurableStore {
      return store;
    }
    export function join(store: LatchkeyStore, ephemeral: EphemeralStore & Pick<LatchkeyStore, 'migrate' | 'close'>): LatchkeyStore {
      const adapter: EphemeralStoreAdapter = ephemeral;
      return combineStores(store, adapter);
    }
    export const errors = [new StoreConflictError('email'), new StoreUnavailableError('down')];
  `;

  for (const entry of ['index.d.ts', 'index.node.d.ts', 'index.d.cts']) {
    it(`a store author finds every type on the main entry (${entry})`, () => {
      const file = join(scratch, `store-author-${entry.replace(/\W/g, '-')}.ts`);
      writeFileSync(file, STORE_AUTHOR_SOURCE);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
        paths: { '@latchkey/server': [join(packageDir, 'dist', entry)] },
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(errors).toEqual([]);
    });
  }

  it('the edge entry names no store driver in its types either', () => {
    const types = readFileSync(join(packageDir, 'dist', 'index.d.ts'), 'utf8');
    expect(types).not.toMatch(/(from|import) '(@electric-sql\/pglite|pg|ioredis)'/);
  });
});
