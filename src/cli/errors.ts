/** Exit codes of the `paraforge` command. */
export const EXIT = {
  ok: 0,
  /** The work ran and found a problem (e.g. a candidate failed verification). */
  failed: 1,
  /** Bad command line or unusable input file: nothing was done. */
  badInput: 2,
  /** A bug or an environment failure ParaForge could not handle. */
  internal: 3,
} as const;

/** An error whose message is meant for the user as is, with no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
  }
}
