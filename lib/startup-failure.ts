/**
 * Start-up failures a user causes and can fix (a busy port, an unusable data directory), each
 * turned into one line that names the setting to change and a distinct exit status, so neither a
 * person nor a supervisor has to read a stack trace. Exit statuses are documented in the README;
 * they sit above sysexits.h's 64–78, which the CLI already uses for other conditions.
 */
export const startupExitCodes = {
  /** Another process listens on the port. */
  portInUse: 80,
  /** The port needs privileges the process lacks (below 1024 without CAP_NET_BIND_SERVICE). */
  portDenied: 81,
  /** The host is not an address of this machine, or its name does not resolve. */
  hostUnavailable: 82,
  /** The data directory is on a read-only filesystem. */
  dataDirReadOnly: 83,
  /** The process may not create or write files in the data directory. */
  dataDirDenied: 84,
  /** The data directory, or a directory above it, is a file. */
  dataDirNotDirectory: 85,
  /** The data directory is on a kernel filesystem (/proc, /sys, cgroup): not storage. */
  dataDirVirtual: 86,
  /** No space (or quota) left where the data directory is. */
  dataDirFull: 87,
  /** The TLS certificate or key file is missing, unreadable, not PEM, or not a pair. */
  tlsUnusable: 88,
} as const;

export type StartupFailureKind = keyof typeof startupExitCodes;

/** A failure to start that the user can fix; `message` is the whole story, no trace needed. */
export class StartupFailure extends Error {
  readonly kind: StartupFailureKind;
  readonly exitCode: number;
  constructor(kind: StartupFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupFailure';
    this.kind = kind;
    this.exitCode = startupExitCodes[kind];
  }
}

/** What was being done when the OS refused, and the settings a person would change. */
export type StartupTarget =
  | {
      readonly kind: 'listen';
      readonly host: string;
      readonly port: number;
      readonly hostEnv: string;
      readonly portEnv: string;
    }
  | { readonly kind: 'dataDir'; readonly path: string; readonly env: string };

/** The system error code of an error or of one of its causes (undici and pg wrap them). */
function errnoOf(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * The one-line failure for an OS error while listening or preparing the data directory, or
 * undefined when the error is not one a setting can fix (a bug: let it surface as such).
 */
export function describeStartupFailure(
  error: unknown,
  target: StartupTarget,
): StartupFailure | undefined {
  const code = errnoOf(error);
  const options = { cause: error };
  if (target.kind === 'listen') {
    const where = `${target.host}:${String(target.port)}`;
    switch (code) {
      case 'EADDRINUSE':
        return new StartupFailure(
          'portInUse',
          `port ${String(target.port)} is already in use (${where}); set ${target.portEnv} to a free port`,
          options,
        );
      case 'EACCES':
      case 'EPERM':
        return new StartupFailure(
          'portDenied',
          `no permission to listen on port ${String(target.port)} (${where}); set ${target.portEnv} to 1024 or above`,
          options,
        );
      case 'EADDRNOTAVAIL':
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_NONAME':
        return new StartupFailure(
          'hostUnavailable',
          `${target.host} is not an address of this machine; set ${target.hostEnv} to one of its addresses (127.0.0.1, 0.0.0.0, ::)`,
          options,
        );
      default:
        return undefined;
    }
  }
  const dir = `data directory ${target.path}`;
  switch (code) {
    case 'EROFS':
      return new StartupFailure(
        'dataDirReadOnly',
        `${dir} is on a read-only filesystem; set ${target.env} to a writable directory`,
        options,
      );
    case 'EACCES':
    case 'EPERM':
      return new StartupFailure(
        'dataDirDenied',
        `${dir} is not writable by this user; set ${target.env} to a directory it may write, or fix its permissions`,
        options,
      );
    case 'ENOTDIR':
    case 'EEXIST':
      return new StartupFailure(
        'dataDirNotDirectory',
        `${dir} is not a directory (it or a parent is a file); set ${target.env} to a directory`,
        options,
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new StartupFailure(
        'dataDirFull',
        `${dir} has no space left; free some or set ${target.env} elsewhere`,
        options,
      );
    default:
      return undefined;
  }
}
