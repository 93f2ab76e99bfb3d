// What every part of the store contract shares: its unit of time and its errors.

export type Millis = number;

/** The backend cannot be reached or failed mid-operation; the handler answers 503. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** A unique constraint refused a write (email, external id, user handle, credential id, token hash). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly field: 'email' | 'externalId' | 'userHandle' | 'credentialId' | 'other',
    message?: string,
  ) {
    super(message ?? `${field} already exists`);
  }
}
