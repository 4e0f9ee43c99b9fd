/**
 * The one base class for errors users see. Subclasses group them by domain;
 * messages say what was wrong and where.
 */
export class MultilaneError extends Error {
  override name = 'MultilaneError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A fixture file or test case that cannot be read as one. */
export class FixtureError extends MultilaneError {
  override name = 'FixtureError';
}

/** Malformed RLP input. */
export class RlpError extends MultilaneError {
  override name = 'RlpError';
}
