// Outcomes that domain code (services, stores) throws without knowing HTTP;
// http/errors.ts turns each kind into a status and the site's error page.
export type DomainErrorKind = 'not-found' | 'invalid' | 'forbidden' | 'conflict' | 'unsupported';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    /** Said to the person, as it stands. */
    message: string,
  ) {
    super(message);
  }
}
