/**
 * The one error type that crosses the service boundary. Its `code` is stable and
 * machine-readable (the CLI maps it to exit codes, the UI to messages); `details`
 * carries structured specifics such as per-tool problems.
 */
export type ErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'timeout'
  | 'unavailable'
  | 'internal';

export class ToolTuneError extends Error {
  override readonly name = 'ToolTuneError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid-input',
  'not-found',
  'conflict',
  'too-large',
  'timeout',
  'unavailable',
  'internal',
]);

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ToolTuneError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  // Unexpected errors keep their message (useful to the user) but never their stack.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}

export function deserializeError(value: SerializedError): ToolTuneError {
  const code: ErrorCode = KNOWN_CODES.has(value.code) ? value.code : 'internal';
  return new ToolTuneError(code, value.message, value.details);
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
