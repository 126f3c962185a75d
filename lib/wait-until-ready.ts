import { localStatus } from './local-status.ts';

/**
 * Polls a readiness URL until it answers 200 and `isOurs` agrees the answer came from the
 * process the caller started (not another one holding the port). Gives up (resolves false) when
 * `signal` fires, e.g. when a supervised child died, so `aidb up` never waits for a service that
 * is gone.
 */
export interface WaitUntilReadyOptions {
  readonly url: string;
  readonly signal: AbortSignal;
  readonly intervalMs?: number;
  /** Whether the answering listener is the expected process; yes when absent. */
  readonly isOurs?: () => Promise<boolean>;
  readonly status?: (url: string, signal: AbortSignal) => Promise<number>;
}

export async function waitUntilReady(options: WaitUntilReadyOptions): Promise<boolean> {
  const status = options.status ?? localStatus;
  const intervalMs = options.intervalMs ?? 250;
  while (!options.signal.aborted) {
    try {
      const answer = await status(
        options.url,
        AbortSignal.any([options.signal, AbortSignal.timeout(2_000)]),
      );
      if (answer === 200 && (await (options.isOurs?.() ?? Promise.resolve(true)))) return true;
    } catch {
      // Not listening yet, or migrations still running: poll again.
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      options.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
  return false;
}
