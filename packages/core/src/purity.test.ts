// @latchkey/core runs in browsers, Node, Deno, Bun and workers: Web-standard
// globals and zod only (DESIGN.md, "Packages and the dependency rule").

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(packageDir, 'src');
const distDir = join(packageDir, 'dist');

const FORBIDDEN_IDENTIFIERS = new Set(['Buffer', 'window', 'document', 'process', 'require']);
const ALLOWED_IMPORTS = new Set(['zod/mini', 'zod/v4/mini']);

/**
 * Platform-specific uses in TypeScript source: the identifiers `Buffer`,
 * `window`, `document`, `process` and `require`, and `node:` module names.
 * TypeScript's scanner does the reading, so comments, prose and names such as
 * `ArrayBuffer` do not count.
 */
export function platformUses(source: string): string[] {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    source,
  );
  const found: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const text = scanner.getTokenText();
    const line = source.slice(0, scanner.getTokenStart()).split('\n').length;
    // `require` scans as a contextual keyword, the others as identifiers.
    const isName =
      token === ts.SyntaxKind.Identifier ||
      (token >= ts.SyntaxKind.FirstKeyword && token <= ts.SyntaxKind.LastKeyword);
    if (isName && FORBIDDEN_IDENTIFIERS.has(text)) found.push(`${line}: ${text}`);
    if (
      (token === ts.SyntaxKind.StringLiteral ||
        token === ts.SyntaxKind.NoSubstitutionTemplateLiteral) &&
      scanner.getTokenValue().startsWith('node:')
    ) {
      found.push(`${line}: ${text}`);
    }
    // Keep regular expressions whole so their contents are not read as code.
    if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) {
      scanner.reScanSlashToken();
    }
  }
  return found;
}

/** Module names imported or required by built JavaScript. */
export function importedModules(code: string): string[] {
  const patterns = [
    /\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']/g,
    /\bexport\s*(?:[\w*{}\s,$]+\s*)from\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return [
    ...new Set(
      patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] as string)),
    ),
  ].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('the purity checks themselves', () => {
  it('find each platform-specific use, and only those', () => {
    const sample = [
      "import { readFile } from 'node:fs';",
      'const a = Buffer.from(x);',
      'window.location.href;',
      'document.title;',
      'if (process.env.X) {}',
      "const b = require('zod');",
      'const ok = new ArrayBuffer(8); // Buffer, window and document in a comment',
      '/* process.env */ const re = /window|document/g;',
      "const s = 'window';",
    ].join('\n');
    expect(platformUses(sample)).toEqual([
      "1: 'node:fs'",
      '2: Buffer',
      '3: window',
      '4: document',
      '5: process',
      '6: require',
    ]);
  });

  it('read imports of ESM and CommonJS builds', () => {
    const esm =
      'import * as z from "zod/mini";\nimport{a as b}from"zod/v4/mini";\nexport { c } from "./c.js";\nawait import("node:fs");';
    const cjs = 'var z = require("zod/mini");\nconst fs = require( "fs" );';
    expect(importedModules(esm)).toEqual(['./c.js', 'node:fs', 'zod/mini', 'zod/v4/mini']);
    expect(importedModules(cjs)).toEqual(['fs', 'zod/mini']);
  });
});

describe('@latchkey/core purity', () => {
  const files = sourceFiles(srcDir);

  it('has source files to check', () => {
    expect(files.map((file) => relative(srcDir, file))).toContain('index.ts');
  });

  it.each(files.map((file) => [relative(packageDir, file), file]))(
    '%s uses no Node or DOM globals',
    (_, file) => {
      expect(platformUses(readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  const builds = ['index.js', 'index.cjs'].map((name) => join(distDir, name));
  const built = builds.every((file) => existsSync(file));
  if (!built) {
    console.warn(
      `[purity] ${relative(packageDir, distDir)} is missing: skipping the check of the built bundle's imports. Build it with \`npx tsup\` in packages/core.`,
    );
  }

  it.skipIf(!built).each(builds.map((file) => [relative(packageDir, file), file]))(
    '%s imports only zod/mini',
    (_, file) => {
      const imports = importedModules(readFileSync(file, 'utf8'));
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((name) => !ALLOWED_IMPORTS.has(name))).toEqual([]);
    },
  );
});
