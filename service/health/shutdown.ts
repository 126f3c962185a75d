import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../lib/logger.ts';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

export interface ShutdownOptions {
  /** Marks the process unready: readiness answers 503 from this moment. */
  readonly drain: () => void;
  /**
   * Time between turning unready and refusing connections, so load balancers (kube-proxy,
   * ingress) drop the pod from rotation before it stops listening.
   */
  readonly drainDelayMs: number;
  /** Past this, the process exits with status 1 whatever is still running. */
  readonly deadlineMs: number;
  /** In order: stop the server (in-flight requests finish), then close pools and clients. */
  readonly steps: readonly ShutdownStep[];
  readonly logger: Logger;
  readonly terminate: (code: number) => void;
}

export interface Shutdown {
  /** Runs the sequence once; later calls return the same promise. */
  shutdown(reason: string): Promise<void>;
}

/**
 * The fixed order of a graceful stop (lightship, terminus): unready → delay → stop the server →
 * close dependencies → exit 0; a hard deadline exits 1. A failing step is logged and the rest
 * still run, since leaving pools open would only make the exit less clean.
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  let running: Promise<void> | undefined;
  return {
    shutdown(reason) {
      running ??= (async () => {
        options.logger.info(
          { reason, drainDelayMs: options.drainDelayMs },
          'shutting down: readiness now 503',
        );
        setTimeout(() => {
          options.logger.error(
            { deadlineMs: options.deadlineMs },
            'shutdown deadline passed; exiting',
          );
          options.terminate(1);
        }, options.deadlineMs).unref();
        options.drain();
        await sleep(options.drainDelayMs, undefined, { ref: false });
        let failed = false;
        for (const step of options.steps) {
          try {
            await step.run();
          } catch (error) {
            failed = true;
            options.logger.error({ err: error, step: step.name }, 'shutdown step failed');
          }
        }
        options.logger.info('shutdown complete');
        options.terminate(failed ? 1 : 0);
      })();
      return running;
    },
  };
}
