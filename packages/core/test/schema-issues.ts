// Helpers for schema tests: what zod reports, and how to bend one field.

import * as z from 'zod/mini';

/**
 * The issues zod reports for `value`, each as `path:code` (for example
 * `response.signature:too_big`); `[]` when it parses.
 */
export function issuesOf(schema: z.ZodMiniType, value: unknown): string[] {
  const result = z.safeParse(schema, value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}:${issue.code}`);
}

/** Sets `value` at a dotted `path` of `target`; `undefined` deletes the key. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node: Record<string, unknown> = target;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Reads the value at a dotted `path` of `target`. */
export function getAt(target: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], target);
}
