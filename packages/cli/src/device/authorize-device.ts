import {
  type DeviceCodeRequest,
  type DeviceTokenResponse,
  type LatchkeyClient,
  LatchkeyError,
} from '@latchkey/core';
import type { CliIo } from '../cli-io.js';
import { toJson } from '../output/print.js';
import { terminalSafe } from '../output/terminal-safe.js';
import { warn } from '../output/warn.js';
import { linkOnServerOrigin } from './link-on-server-origin.js';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: every `slow_down` adds five seconds to the interval, for good. */
const SLOW_DOWN_STEP_S = 5;
/** Polls that may fail to reach the server in a row (a restart, a blip) before giving up. */
const NETWORK_RETRIES = 3;

export interface AuthorizeOptions {
  /** Print the prompt as one JSON line (for agents) instead of prose. */
  json: boolean;
  /** Try to open the verification link in a browser (only when interactive). */
  openBrowser: boolean;
}

/**
 * Runs the device authorization grant (RFC 8628): asks for a code, tells the
 * person where to approve it (and opens the page when a browser is at hand and
 * the page is on the server's own origin),
 * then polls at the server's interval until the token comes, honouring
 * `slow_down`. Throws the server's `LatchkeyError` for `ACCESS_DENIED`,
 * `EXPIRED_TOKEN` and anything else that ends the flow.
 *
 * @example
 * const { access_token } = await authorizeDevice(client, { clientName: 'ci' }, io, {
 *   json: false,
 *   openBrowser: true,
 * });
 */
export async function authorizeDevice(
  client: LatchkeyClient,
  request: DeviceCodeRequest,
  io: CliIo,
  options: AuthorizeOptions,
): Promise<DeviceTokenResponse> {
  const started = await client.deviceCode(request);
  if (started.error) throw started.error;
  const code = started.data;

  // What the server sent is shown to a person: no escape sequence or control
  // character of it reaches the terminal, in prose or in the JSON line.
  const userCode = terminalSafe(code.user_code);
  const link = terminalSafe(code.verification_uri_complete);
  const openable = linkOnServerOrigin(code.verification_uri_complete, client.baseUrl);
  if (!openable)
    warn(
      io,
      options.json,
      'LINK_ON_OTHER_ORIGIN',
      `the server's approval link is not on ${new URL(client.baseUrl).origin}, so it was not ` +
        'opened; open it only if you expected this server to send you there',
    );
  const opened = openable !== null && options.openBrowser && io.interactive && io.openUrl(openable);
  if (options.json) {
    io.stderr(
      `${toJson({
        user_code: userCode,
        verification_uri: terminalSafe(code.verification_uri),
        verification_uri_complete: link,
        expires_in: code.expires_in,
      })}\n`,
    );
  } else {
    io.stderr(
      [
        opened ? 'Opened your browser at:' : 'To approve, open this link in a browser:',
        `  ${link}`,
        `and check that it shows the code  ${userCode}  before you confirm with your passkey.`,
        `Waiting for approval (the code expires in ${Math.round(code.expires_in / 60)} minutes)…`,
        '',
      ].join('\n'),
    );
  }

  let interval = Math.max(1, code.interval);
  let failures = 0;
  const deadline = Date.now() + code.expires_in * 1000;
  for (;;) {
    await io.sleep(interval * 1000);
    if (Date.now() > deadline)
      throw new LatchkeyError('EXPIRED_TOKEN', 'The code expired before it was approved');
    const poll = await client.deviceToken({
      grant_type: GRANT_TYPE,
      device_code: code.device_code,
    });
    if (!poll.error) return poll.data;
    const error = poll.error;
    if (error.code === 'NETWORK_ERROR' && ++failures <= NETWORK_RETRIES) continue;
    if (error.code !== 'NETWORK_ERROR') failures = 0;
    switch (error.code) {
      case 'AUTHORIZATION_PENDING':
        continue;
      case 'SLOW_DOWN':
        interval += SLOW_DOWN_STEP_S;
        continue;
      case 'RATE_LIMITED': {
        const wait = Number(error.details?.retryAfter ?? interval);
        await io.sleep(Math.max(1, wait) * 1000);
        continue;
      }
      default:
        throw error;
    }
  }
}
