/**
 * Polls a readiness URL until it answers 200. Gives up (resolves false) when `signal` fires, e.g.
 * when a supervised child died, so `aidb up` never waits for a service that is gone.
 */
export interface WaitUntilReadyOptions {
  readonly url: string;
  readonly signal: AbortSignal;
  readonly intervalMs?: number;
  readonly fetch?: typeof fetch;
}

export async function waitUntilReady(options: WaitUntilReadyOptions): Promise<boolean> {
  const doFetch = options.fetch ?? fetch;
  const intervalMs = options.intervalMs ?? 250;
  while (!options.signal.aborted) {
    try {
      const response = await doFetch(options.url, {
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(2_000)]),
      });
      await response.body?.cancel();
      if (response.status === 200) return true;
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
