import type { TrainingRun } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  invalidInput: 4,
  conflict: 5,
  /** How a training run that the command waited for ended (it finished: `ok`). */
  runStopped: 6,
  runFailed: 7,
  runDiverged: 8,
  runOutOfMemory: 9,
  runInterrupted: 10,
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

/** The exit code for how a run ended; the two trainer failures a script may act on (lower the rate, shrink the window) have their own. */
export function exitCodeForRun(run: Pick<TrainingRun, 'state' | 'errorCode'>): number {
  switch (run.state) {
    case 'done':
      return EXIT.ok;
    case 'cancelled':
      return EXIT.runStopped;
    case 'interrupted':
      return EXIT.runInterrupted;
    case 'failed':
      return run.errorCode === 'diverged' ? EXIT.runDiverged : run.errorCode === 'out_of_memory' ? EXIT.runOutOfMemory : EXIT.runFailed;
    default:
      return EXIT.failure;
  }
}
