/** Exit statuses of the `aidb` command, documented in the README. */
export const exitCodes = {
  ok: 0,
  failure: 1,
  /** Unknown command, option or argument. */
  usage: 2,
  /** Invalid configuration (sysexits.h EX_CONFIG). */
  config: 78,
} as const;
