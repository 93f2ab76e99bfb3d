import type { OpenApiDocument } from '@latchkey/core';
import { publicJson } from '../http/responses.js';
import type { RouteHandlers } from '../services.js';

const DOCUMENT = '@latchkey/core/openapi.json';

let loading: Promise<OpenApiDocument> | null = null;

/**
 * `openapi: true`: the document from `node_modules`, on first use. The specifier is
 * not a literal on purpose, so bundlers leave it out (a Workers bundle would otherwise
 * carry it, enabled or not); a runtime without `node_modules` is told what to pass.
 */
function loadDocument(): Promise<OpenApiDocument> {
  loading ??= import(/* webpackIgnore: true */ /* @vite-ignore */ DOCUMENT, {
    with: { type: 'json' },
  }).then(
    (module: { default: OpenApiDocument }) => module.default,
    (error: unknown) => {
      loading = null;
      throw new TypeError(
        `createLatchkey: config.openapi is true but ${DOCUMENT} cannot be loaded on this runtime; ` +
          `pass the document itself: import openapi from '${DOCUMENT}' with { type: 'json' }`,
        { cause: error },
      );
    },
  );
  return loading;
}

/**
 * `GET {basePath}/openapi.json`, installed only when `openapi` is set: core's
 * generated document, its server URL set to this base path.
 *
 * @example
 * const handlers = { ...(config.openapi ? openApiRoutes : {}) };
 */
export const openApiRoutes: RouteHandlers = {
  async openapi(_ctx, { config }) {
    const document = config.openapi === true ? await loadDocument() : config.openapi;
    if (document === false) throw new TypeError('openApiRoutes: config.openapi is off');
    const [server] = (document.servers as { url: string }[] | undefined) ?? [];
    return publicJson({ ...document, servers: [{ ...server, url: config.basePath || '/' }] }, 3600);
  },
};
