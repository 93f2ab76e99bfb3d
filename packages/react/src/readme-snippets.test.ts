// @vitest-environment node
// The READMEs' TypeScript snippets compile under `strict` against the built packages, the
// way a reader pastes them into a project. A snippet that is deliberately partial says so
// with `<!-- snippet: partial (why) -->` on the line before its fence (CONTRIBUTING.md).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const READMES = [
  'README.md',
  'packages/react/README.md',
  'packages/server/README.md',
  'examples/better-auth/README.md',
];
const PARTIAL = /^<!--\s*snippet:\s*partial\b/;

/**
 * Names a snippet may use as the reader's own app: declared for every snippet, so an
 * example can render `<App />` or call `navigate('/')` without defining them.
 */
const APP_PLACEHOLDERS = `
declare function App(): import('react').ReactNode;
declare function navigate(path: string): void;
declare function toast(message: string): void;
`;

interface Snippet {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'tsx';
  code: string;
  partial: boolean;
}

/** Every ```ts and ```tsx block of a Markdown text, with the partial marker before it, if any. */
function extractSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^\s*```\s*$/.test(line));
    if (end === -1) throw new Error(`${file}:${i + 1}: a code fence is never closed`);
    const lang = open[2];
    if (lang === 'ts' || lang === 'tsx') {
      let before = i - 1;
      while (before >= 0 && lines[before]?.trim() === '') before--;
      snippets.push({
        file,
        line: i + 1,
        lang,
        code: lines.slice(i + 1, end).join('\n'),
        partial: PARTIAL.test(lines[before]?.trim() ?? ''),
      });
    }
    i = end;
  }
  return snippets;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // Each snippet is its own module, as a file in the reader's project would be.
  moduleDetection: ts.ModuleDetectionKind.Force,
  jsx: ts.JsxEmit.ReactJSX,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  skipLibCheck: true,
  allowImportingTsExtensions: false,
};

/** Type-checks the snippets in `dir` (inside the repository, so `node_modules` resolves). */
function typecheckSnippets(snippets: Snippet[], dir: string): string[] {
  const files = snippets.map((snippet, index) => {
    const name = join(
      dir,
      `${index}-${snippet.file.replace(/\W+/g, '-')}-${snippet.line}.${snippet.lang}`,
    );
    writeFileSync(name, `${snippet.code}\n`);
    return name;
  });
  const placeholders = join(dir, 'app-placeholders.d.ts');
  writeFileSync(placeholders, APP_PLACEHOLDERS);
  const program = ts.createProgram([...files, placeholders], OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const index = diagnostic.file ? files.indexOf(diagnostic.file.fileName) : -1;
    const snippet = snippets[index];
    if (!diagnostic.file || !snippet) return `TS${diagnostic.code}: ${message}`;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    // The snippet's line in its README: one after the fence, plus the line in the snippet.
    return `${snippet.file}:${snippet.line + 1 + line}: TS${diagnostic.code}: ${message}`;
  });
}

const BUILT = [
  'packages/core/dist/index.d.ts',
  'packages/react/dist/index.d.ts',
  'packages/server/dist/index.d.ts',
];

describe('README snippets', () => {
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'readme-snippets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the snippets, and the partial marker before a fence', () => {
    const snippets = extractSnippets(
      'x.md',
      [
        '```ts',
        'const a = 1;',
        '```',
        '',
        '<!-- snippet: partial (a fragment) -->',
        '',
        '```tsx',
        '<b />',
        '```',
        '```sh',
        'npm i',
        '```',
      ].join('\n'),
    );
    expect(snippets.map(({ line, lang, partial }) => ({ line, lang, partial }))).toEqual([
      { line: 1, lang: 'ts', partial: false },
      { line: 7, lang: 'tsx', partial: true },
    ]);
  });

  it('reports a snippet that reads `user` before narrowing the session (TS18047)', () => {
    const wrong = [
      "import { useSession } from '@latchkey/react';",
      '',
      'export function Account() {',
      '  const { user } = useSession();',
      '  return <p>{user.email}</p>;',
      '}',
    ].join('\n');
    const errors = typecheckSnippets(
      [{ file: 'x.md', line: 10, lang: 'tsx', code: wrong, partial: false }],
      mkdtempSync(join(dir, 'wrong-')),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^x\.md:15: TS18047: 'user' is possibly 'null'/),
    ]);
  });

  it('every ts/tsx snippet of the READMEs compiles under strict', () => {
    const missing = BUILT.filter((file) => !existsSync(join(root, file)));
    if (missing.length > 0) {
      throw new Error(
        `${missing.join(', ')} missing: build first (npx turbo run build --filter=@latchkey/react --filter=@latchkey/server)`,
      );
    }
    const snippets = READMES.flatMap((file) =>
      extractSnippets(file, readFileSync(join(root, file), 'utf8')),
    );
    const checked = snippets.filter((snippet) => !snippet.partial);
    console.log(
      `README snippets: ${checked.length} type-checked, ${snippets.length - checked.length} marked partial (${relative(root, dir)})`,
    );
    expect(checked.length).toBeGreaterThan(15);
    expect(typecheckSnippets(checked, dir)).toEqual([]);
  });
});
