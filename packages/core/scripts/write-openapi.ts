// `npm run openapi -w @latchkey/core`: writes openapi.json from the route table and schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/openapi/build-openapi-document.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const target = new URL('../openapi.json', import.meta.url);
writeFileSync(
  target,
  `${JSON.stringify(buildOpenApiDocument({ version: pkg.version }), null, 2)}\n`,
);
console.log(`wrote ${target.pathname}`);
