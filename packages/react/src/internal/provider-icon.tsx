'use client';
import type { PasskeyInfo } from '@latchkey/core';

/**
 * A passkey provider's icon, decorative (its name is written next to it). With
 * `iconDark` the browser shows that one when the user prefers a dark colour
 * scheme (HTML `<picture>`, media queries level 5 `prefers-color-scheme`).
 */
export function ProviderIcon({ icon, iconDark }: PasskeyInfo['provider']) {
  return icon ? (
    <picture>
      {iconDark && <source media="(prefers-color-scheme: dark)" srcSet={iconDark} />}
      <img data-latchkey-provider-icon="" src={icon} alt="" width={24} height={24} />
    </picture>
  ) : null;
}
