import { parseArgs } from 'node:util';
import { CliError } from '../cli-error.js';

/** One option, as `node:util` parseArgs takes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

/** Parsed values: strings for string options, booleans for flags; absent when not given. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/** Options every command takes. */
export const COMMON_OPTIONS = {
  'base-url': { type: 'string' },
  insecure: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

/**
 * `node:util` parseArgs in strict mode, with its errors turned into a usage error.
 *
 * @example
 * const { values, positionals } = parseOptions(args, { name: { type: 'string' } }, 0);
 */
export function parseOptions<O extends Record<string, OptionSpec>>(
  args: string[],
  options: O,
  maxPositionals: number,
): { values: OptionValues<O & typeof COMMON_OPTIONS>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.positionals.length > maxPositionals)
      throw new CliError('USAGE', `Unexpected argument: ${parsed.positionals[maxPositionals]}`);
    return parsed as { values: OptionValues<O & typeof COMMON_OPTIONS>; positionals: string[] };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('USAGE', (error as Error).message);
  }
}

/**
 * `read,write` → `['read', 'write']`; an empty list is a usage error.
 *
 * @example
 * parseScopes('read, notes:write') // ['read', 'notes:write']
 */
export function parseScopes(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const scopes = value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new CliError('USAGE', '--scopes needs at least one scope');
  return scopes;
}
