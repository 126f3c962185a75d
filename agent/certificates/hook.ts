import { spawn } from 'node:child_process';

export interface HookResult {
  /** Exit status; null when killed (timeout or shutdown) or when it could not start. */
  readonly exitCode: number | null;
  readonly error: string | null;
}

/**
 * Runs the post-renewal command (argv, no shell) with the certificate's paths in its
 * environment. Its output goes to the agent's stderr; its status is the result, never thrown.
 */
export function runHook(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HookResult> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.resolve({ exitCode: 0, error: null });
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: timeoutMs,
      signal,
      killSignal: 'SIGTERM',
    });
    let failure: string | null = null;
    child.once('error', (error) => {
      failure = error.message;
    });
    child.once('close', (code, killedBy) => {
      const error =
        failure ??
        (killedBy === null
          ? code === 0
            ? null
            : `exit status ${String(code)}`
          : `killed by ${killedBy}`);
      resolve({ exitCode: code, error });
    });
  });
}
