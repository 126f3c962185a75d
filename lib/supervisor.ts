import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  /** Prefix of its output lines. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** ANSI colour code for the prefix on a terminal (31–36). */
  readonly color: number;
}

export interface Supervisor {
  /** Resolves with the exit status `aidb up` should end with. */
  readonly done: Promise<number>;
  /** Stops every child (SIGTERM), as Ctrl-C does. */
  readonly stop: () => void;
  /** Ends every child at once (SIGKILL), as a second Ctrl-C does. */
  readonly kill: () => void;
  /** Process id of each child, by name. */
  readonly pids: Readonly<Record<string, number | undefined>>;
}

export interface SupervisorOptions {
  readonly write: (line: string) => void;
  readonly colors: boolean;
  /** Time children get to exit after SIGTERM before SIGKILL. */
  readonly killAfterMs: number;
}

function prefix(spec: ChildSpec, colors: boolean): string {
  const label = spec.name.padEnd(7);
  return colors ? `\u001b[${spec.color}m${label}\u001b[0m| ` : `${label}| `;
}

/**
 * Runs processes side by side with prefixed output. When one exits on its own, the others are
 * stopped and the exit status is non-zero; when stopped on purpose, it is that of the children.
 */
export function supervise(specs: readonly ChildSpec[], options: SupervisorOptions): Supervisor {
  let stopping = false;
  let failure: string | undefined;
  const children: ChildProcess[] = specs.map((spec) => {
    const child = spawn(spec.command, spec.args, {
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        options.write(`${prefix(spec, options.colors)}${line}`);
      });
    }
    return child;
  });

  const signalAll = (signal: NodeJS.Signals): void => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    signalAll('SIGTERM');
    setTimeout(() => {
      signalAll('SIGKILL');
    }, options.killAfterMs).unref();
  };
  const kill = (): void => {
    stopping = true;
    signalAll('SIGKILL');
  };

  const exits = children.map(async (child, i) => {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (!stopping) {
      failure = `${specs[i]?.name ?? 'child'} exited unexpectedly (${signal ?? `status ${String(code)}`}); stopping the others`;
      options.write(`aidb up: ${failure}`);
      stop();
    }
    // Stopped on purpose, a child ended by the signal that stops it has stopped cleanly.
    if (code === null && stopping && (signal === 'SIGTERM' || signal === 'SIGINT')) return 0;
    // Stopped on purpose at once (a second Ctrl-C): the status says so.
    if (code === null && stopping && signal === 'SIGKILL') return 130;
    return code ?? 1;
  });

  return {
    done: Promise.all(exits).then((codes) => (failure !== undefined ? 1 : Math.max(0, ...codes))),
    stop,
    kill,
    pids: Object.fromEntries(specs.map((spec, i) => [spec.name, children[i]?.pid])),
  };
}
