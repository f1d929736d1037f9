/** Verification results as stored per sample and shown in the review table (computed in main). */

/** `semantic`: the optional teacher verdict (does the call match the request?), recorded by a judge job. */
export type CheckName = 'format' | 'tool_exists' | 'arguments' | 'missing_argument' | 'no_call' | 'semantic';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  message: string;
  /** RFC 6901 pointer into the sample where the check failed. */
  pointer?: string;
}

export interface SampleVerification {
  ok: boolean;
  checks: CheckResult[];
}
