// @latchkey/cli: the `latchkey` command, also callable from code.

export type { CliErrorCode } from './cli-error.js';
export { CliError } from './cli-error.js';
export type { CliIo } from './cli-io.js';
export { processIo } from './cli-io.js';
export type { Credentials, ServerOptions } from './config/resolve-credentials.js';
export { normaliseBaseUrl, resolveCredentials } from './config/resolve-credentials.js';
export type { StoredLogin } from './config/token-file.js';
export { readTokenFile, tokenFilePath } from './config/token-file.js';
export { tokenIdOf } from './config/token-id-of.js';
export type { AuthorizeOptions } from './device/authorize-device.js';
export { authorizeDevice } from './device/authorize-device.js';
export type { ExitCode } from './exit-codes.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export { runCli } from './run-cli.js';
