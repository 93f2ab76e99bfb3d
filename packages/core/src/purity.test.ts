// @latchkey/core runs in browsers, Node, Deno, Bun and workers: Web-standard
// globals and zod only (docs/design.md, "Packages and the dependency rule").

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

/**
 * Every module `entry` loads at run time, itself included: relative imports and
 * re-exports followed through the source tree, package names as they are.
 * `import type` and `export type` are erased, so they are no edge; `import
 * { type X }` is kept by `verbatimModuleSyntax`, so it is one.
 */
export function runtimeImports(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('/')) return;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const typeOnly =
        (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) ||
        (ts.isExportDeclaration(statement) && statement.isTypeOnly);
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : null;
      if (typeOnly || specifier === null) continue;
      visit(
        specifier.startsWith('.')
          ? join(dirname(file), specifier.replace(/\.js$/, '.ts'))
          : specifier,
      );
    }
  };
  visit(entry);
  return [...seen].map((file) => (file.startsWith('/') ? relative(srcDir, file) : file)).sort();
}

/**
 * The packages a built file loads, through its relative imports too: a build
 * may be one file or keep one file per module.
 */
function packagesImported(entry: string): string[] {
  const files = new Set([entry]);
  const packages = new Set<string>();
  for (const file of files) {
    for (const name of importedModules(readFileSync(file, 'utf8'))) {
      if (name.startsWith('.')) files.add(join(dirname(file), name));
      else packages.add(name);
    }
  }
  return [...packages].sort();
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

describe('the schema-free modules', () => {
  it('the import walk reads value imports and skips type-only ones', () => {
    // The validating client reaches zod through a value import; its types file does not.
    expect(runtimeImports(join(srcDir, 'client/create-latchkey-client.ts'))).toContain('zod/mini');
    expect(runtimeImports(join(srcDir, 'client/latchkey-client.ts'))).toEqual([
      'client/latchkey-client.ts',
    ]);
  });

  // A browser bundle that uses only these carries neither zod nor a schema.
  it.each(['route-specs.ts', 'client/create-lean-latchkey-client.ts'])(
    '%s loads no zod and no schema at run time',
    (file) => {
      const loaded = runtimeImports(join(srcDir, file));
      expect(loaded).toContain(file);
      expect(
        loaded.filter((name) => name.startsWith('zod') || name.startsWith('schemas/')),
      ).toEqual([]);
      expect(loaded).not.toContain('routes.ts');
    },
  );
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
      const imports = packagesImported(file);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((name) => !ALLOWED_IMPORTS.has(name))).toEqual([]);
    },
  );
});
