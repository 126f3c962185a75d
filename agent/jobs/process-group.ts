import { spawn } from 'node:child_process';

export interface GroupCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Cancels the command: its whole process group gets SIGTERM, then SIGKILL after the grace. */
  readonly signal: AbortSignal;
  readonly killGraceMs?: number;
}

// pg_dump and friends stop within a second on SIGTERM; five leaves room on a loaded machine.
const defaultKillGraceMs = 5_000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the process group the child leads (setsid through `detached`).
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs a command as the leader of its own process group, so cancelling it also stops every
 * process it started (a shell pipeline, pg_dump's workers). Resolves on exit 0; rejects with
 * the exit status or signal otherwise, and once cancelled, after the whole group is gone.
 */
export async function runInProcessGroup(options: GroupCommand): Promise<void> {
  const { command, args, signal } = options;
  signal.throwIfAborted();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096);
  });
  let forceKill: NodeJS.Timeout | undefined;
  const cancel = (): void => {
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    forceKill = setTimeout(() => {
      killGroup(pid, 'SIGKILL');
    }, options.killGraceMs ?? defaultKillGraceMs);
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('close', (exitCode, exitSignal) => {
          resolve([exitCode, exitSignal]);
        });
      },
    );
    // The leader can exit before its group: make sure nothing it started lives on.
    if (pid !== undefined && signal.aborted) killGroup(pid, 'SIGKILL');
    signal.throwIfAborted();
    if (code !== 0) {
      const how = killedBy === null ? `exit status ${String(code)}` : `signal ${killedBy}`;
      throw new Error(`agent: ${command} failed with ${how}: ${stderr.trim()}`);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    clearTimeout(forceKill);
  }
}
