/** Exit statuses of the `aidb` command, documented in the README. */
export const exitCodes = {
  ok: 0,
  failure: 1,
  /** Unknown command, option or argument. */
  usage: 2,
  /** Another run holds the backup repository; try again later (sysexits.h EX_TEMPFAIL). */
  busy: 75,
  /** Invalid configuration (sysexits.h EX_CONFIG). */
  config: 78,
} as const;
