/** Stable error codes: match on `error.code`, never on the message. */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_UNKNOWN_RULE'
  | 'E_DUPLICATE_RULE'
  | 'E_UNKNOWN_DATASET'
  | 'E_BACKEND'
  | 'E_SHAPE'
  | 'E_DATA_FORMAT'
  | 'E_CHECKSUM'
  | 'E_DOWNLOAD'
  | 'E_CHECKPOINT'
  | 'E_DIVERGED'
  /** A run directory is being written by another process. */
  | 'E_LOCKED'
  /** An output location (a run directory) cannot be created or written. */
  | 'E_OUTPUT'
  /** Valid input that uses something plasticity cannot represent (a NIR node type, a convention). */
  | 'E_UNSUPPORTED'
  | 'E_USAGE';

/** The one error class every package throws for a user-facing problem. */
export class PlasticityError extends Error {
  override readonly name = 'PlasticityError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPlasticityError(error: unknown, code?: ErrorCode): error is PlasticityError {
  return error instanceof PlasticityError && (code === undefined || error.code === code);
}
