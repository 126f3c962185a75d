import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from './wait.ts';

export interface ManagedProcessOptions {
  /** Used in error messages. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** True once the process serves requests. */
  readonly isReady: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

/** A server run as a child process that a test can stop, kill and start again. */
export interface ManagedProcess {
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Output so far (stdout and stderr, last 64 KiB), for failure messages. */
  output(): string;
  start(): Promise<void>;
  /** Graceful stop: SIGTERM, then wait for exit; resolves with the exit code (null if signalled). */
  stop(): Promise<number | null>;
  /** Crash: SIGKILL, then wait for exit. */
  kill(): Promise<number | null>;
  restart(): Promise<void>;
}

const outputLimit = 64 * 1024;

export function createManagedProcess(options: ManagedProcessOptions): ManagedProcess {
  let child: ChildProcess | undefined;
  let log = '';

  const exited = (proc: ChildProcess): boolean =>
    proc.exitCode !== null || proc.signalCode !== null;

  async function signal(sig: NodeJS.Signals): Promise<number | null> {
    const proc = child;
    if (proc === undefined) return null;
    if (exited(proc)) return proc.exitCode;
    const done = once(proc, 'exit');
    proc.kill(sig);
    const [code] = (await done) as [number | null];
    return code;
  }

  async function start(): Promise<void> {
    if (child !== undefined && !exited(child)) throw new Error(`${options.name}: already running`);
    const proc = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const append = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-outputLimit);
    };
    proc.stdout.on('data', append);
    proc.stderr.on('data', append);
    try {
      await waitFor(
        `${options.name} to become ready`,
        async () => {
          if (exited(proc)) throw new Error(`${options.name} exited early:\n${log}`);
          return options.isReady();
        },
        { timeoutMs: options.readyTimeoutMs ?? 20_000 },
      );
    } catch (error) {
      await signal('SIGKILL');
      throw new Error(`${options.name}: did not start\n${log}`, { cause: error });
    }
  }

  return {
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && !exited(child);
    },
    output: () => log,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM');
      await start();
    },
  };
}

/** The process with extra members; the process's own members stay live (not copied). */
export function extendProcess<T extends object>(
  proc: ManagedProcess,
  extras: T,
): ManagedProcess & T {
  return Object.create(proc, Object.getOwnPropertyDescriptors(extras)) as ManagedProcess & T;
}
