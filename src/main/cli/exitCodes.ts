import type { ErrorCode } from '../../shared/errors';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  invalidInput: 4,
  conflict: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'not-found':
      return EXIT.notFound;
    case 'invalid-input':
    case 'too-large':
      return EXIT.invalidInput;
    case 'conflict':
      return EXIT.conflict;
    default:
      return EXIT.failure;
  }
}
