/** The planner's error: a request it cannot plan for, naming what is wrong with it. */

export type PlannerErrorCode =
  /** A volume selector that cannot be used: an empty one, or a regular expression that does not compile. */
  | 'selector'
  /** No such cartridge set, or a continuation that does not name two different cartridges. */
  | 'invalid';

export class PlannerError extends Error {
  override name = 'PlannerError';
  readonly code: PlannerErrorCode;

  constructor(code: PlannerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
