/**
 * Child processes of a backup (pg_dump, pg_restore). Each runs in its own process group so that
 * cancelling kills it and anything it started; stderr is kept (last 8 KiB) for the error message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable, type Readable } from 'node:stream';
import { BackupError, type FailureReason } from './errors.ts';

export interface ChildRun {
  /**
   * The child's stdin, except that once the child stops reading (it exited, or closed the pipe)
   * the rest is accepted and dropped: pg_restore may exit before the archive's last bytes, and
   * the stream feeding it must still reach its end to be hashed. The exit status judges the child.
   */
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Resolves when the process has exited and its pipes are closed; rejects unless status 0. */
  readonly done: Promise<void>;
  kill(): void;
  /** The last 8 KiB the child wrote to stderr (pg_basebackup -v reports WAL positions there). */
  stderr(): string;
}

export interface ChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Reason reported when the process fails. */
  readonly reason: FailureReason;
  readonly signal?: AbortSignal | undefined;
  /** The line for a command that is not installed, naming how to get it. */
  readonly missing?: string;
}

const stderrLimit = 8 * 1024;
/** Time a process group gets between SIGTERM and SIGKILL when cancelled. */
const killGraceMs = 2_000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function runChild(options: ChildOptions): ChildRun {
  const name = options.command.split('/').at(-1) ?? options.command;
  const child = spawn(options.command, options.args, {
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrLimit);
  });
  // A consumer that stops reading (verification failed) must not surface as an unhandled EPIPE.
  child.stdin.on('error', () => undefined);
  const kill = (): void => {
    killGroup(child, 'SIGTERM');
    setTimeout(() => {
      killGroup(child, 'SIGKILL');
    }, killGraceMs).unref();
  };
  const onAbort = (): void => {
    kill();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (cause: NodeJS.ErrnoException) => {
      const message =
        cause.code === 'ENOENT' && options.missing !== undefined
          ? options.missing
          : `backups: cannot run ${name}: ${cause.message}`;
      reject(new BackupError(options.reason, message, { cause }));
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0) {
        resolve();
        return;
      }
      const status = signal === null ? `status ${String(code)}` : `signal ${signal}`;
      const reason = options.signal?.aborted === true ? 'cancelled' : options.reason;
      reject(new BackupError(reason, `backups: ${name} exited with ${status}: ${stderr.trim()}`));
    });
  });
  // Callers await `done` after the streams; until then a failure must not be unhandled.
  done.catch(() => undefined);
  return {
    stdin: tolerantInput(child.stdin),
    stdout: child.stdout,
    done,
    kill,
    stderr: () => stderr,
  };
}

function tolerantInput(pipe: Writable): Writable {
  let gone = false;
  const markGone = (): void => {
    gone = true;
  };
  pipe.once('close', markGone);
  pipe.once('error', markGone);
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (gone || pipe.write(chunk)) {
        callback();
        return;
      }
      const resume = (): void => {
        pipe.off('drain', resume);
        pipe.off('close', resume);
        callback();
      };
      pipe.once('drain', resume);
      pipe.once('close', resume);
    },
    final(callback) {
      if (!gone) pipe.end();
      callback();
    },
    destroy(error, callback) {
      pipe.destroy();
      callback(error);
    },
  });
}
