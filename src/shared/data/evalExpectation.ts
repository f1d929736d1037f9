/**
 * What an eval case accepts, in BFCL's terms: per user turn, the calls expected (matched without
 * order), each argument with its list of acceptable values. `mayOmit` is BFCL's `""` entry: the
 * argument may be left out (its default applies).
 */
export interface AcceptableArgument {
  values: unknown[];
  mayOmit: boolean;
}

export interface ExpectedCall {
  name: string;
  arguments: Record<string, AcceptableArgument>;
}

export interface EvalExpectation {
  /** One list per user turn; an empty list expects no call (BFCL's irrelevance cases). */
  turns: ExpectedCall[][];
}
