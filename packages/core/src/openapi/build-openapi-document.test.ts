import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors/codes.js';
import { type RouteName, routes } from '../routes.js';
import { buildOpenApiDocument } from './build-openapi-document.js';

const packageJson = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

interface Document {
  paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
  components: { schemas: Record<string, { enum?: string[] }> };
}

describe('the OpenAPI document', () => {
  const built = buildOpenApiDocument({
    version: packageJson('package.json').version,
  }) as never as Document;

  it('is checked in as generated (run `npm run openapi -w @latchkey/core` after changing the contract)', () => {
    expect(packageJson('openapi.json')).toEqual(JSON.parse(JSON.stringify(built)));
  });

  it('has one operation per route, named after it, at its method and path', () => {
    const operations = Object.entries(built.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => method !== 'servers')
        .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.sort()).toEqual(
      (Object.keys(routes) as RouteName[])
        .map((name) => {
          const { method, path } = routes[name];
          return `${method} ${path.replace(/:([A-Za-z]+)/g, '{$1}')} ${name}`;
        })
        .sort(),
    );
  });

  it('names every code a server answers with, and no client-only one', () => {
    expect(built.components.schemas.ErrorCode?.enum).toEqual(
      Object.entries(ERROR_CODES)
        .filter(([, status]) => status > 0)
        .map(([code]) => code),
    );
    expect(built.components.schemas.ErrorCode?.enum).not.toContain('NETWORK_ERROR');
  });

  it('asks for a session on session routes, a bearer token only where one is taken', () => {
    expect(built.paths['/passkeys']?.get?.security).toEqual([
      { sessionCookie: [] },
      { nativeSession: [] },
    ]);
    expect(built.paths['/tokens']?.get?.security).toEqual([
      { sessionCookie: [] },
      { nativeSession: [] },
      { bearerToken: [] },
    ]);
    expect(built.paths['/passkeys/auth-options']?.post?.security).toEqual([{}]);
    expect(built.paths['/pairing/{pairingId}']?.get?.security).toEqual([{ pairingCookie: [] }]);
  });

  it('documents the native path: the pre-session header in, the pre-session and session token out', () => {
    const options = built.paths['/passkeys/auth-options']?.post as never as Record<string, any>;
    const finish = built.paths['/passkeys/authenticate']?.post as never as Record<string, any>;
    expect(options.parameters).toEqual([
      expect.objectContaining({ name: 'Latchkey-Pre-Session', in: 'header' }),
    ]);
    expect(Object.keys(options.responses['200'].headers)).toEqual(['Latchkey-Pre-Session']);
    expect(Object.keys(finish.responses['200'].headers)).toEqual(['Latchkey-Session-Token']);
    expect(built.paths['/passkeys']?.get).not.toHaveProperty('parameters');
  });
});
