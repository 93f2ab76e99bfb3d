import { describe, expect, it } from 'vitest';
import { PROOF_HEADER, requestProofMessage } from './request-proof-message.js';

describe('requestProofMessage', () => {
  it('proofs leak to other origins: the signed message names the origin, versioned', () => {
    const message = requestProofMessage('get', 'https://app.example', '/api/me', 1767225600, 'n');
    expect(message).toBe('latchkey-proof/2\nGET\nhttps://app.example\n/api/me\n1767225600\nn');
    expect(
      requestProofMessage('GET', 'https://api.other.example', '/api/me', 1767225600, 'n'),
    ).not.toBe(message);
    expect(PROOF_HEADER).toBe('Latchkey-Proof');
  });
});
