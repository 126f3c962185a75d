/**
 * One line for an operating-system error a listener can meet (a busy port, a privileged one, an
 * address this host does not have), naming the setting that changes it. Used by `aidb agent`
 * and `aidb up`; anything else is not a listen error and is left to the caller.
 */
const reasons: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is in use by another process',
  EACCES: 'this user may not listen on that port',
  EADDRNOTAVAIL: 'this host has no such address',
};

export interface ListenTarget {
  /** Who listens: `agent`, `service`. */
  readonly who: string;
  readonly host: string;
  readonly port: number;
  /** Environment variables of the address settings, e.g. `AIDB_AGENT_PORT` and `AIDB_AGENT_HOST`. */
  readonly portEnv: string;
  readonly hostEnv: string;
}

/** The system error code of an error or of one of its causes. */
function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function describeListenError(error: unknown, target: ListenTarget): string | undefined {
  const code = codeOf(error);
  const reason = code === undefined ? undefined : reasons[code];
  if (reason === undefined || code === undefined) return undefined;
  const address = target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  const fix =
    code === 'EADDRNOTAVAIL'
      ? `set ${target.hostEnv} to an address of this host`
      : code === 'EACCES'
        ? `set ${target.portEnv} to a port above 1023`
        : `stop the other process or set ${target.portEnv}`;
  return `${target.who}: cannot listen on ${address}: ${reason} (${code}); ${fix}`;
}
