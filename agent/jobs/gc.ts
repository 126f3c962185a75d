import type { Job } from './job.ts';

export interface GcJobOptions {
  readonly serviceUrl: string;
  /**
   * Read at each run: on a fresh install the service writes its local key only after the
   * agent has started.
   */
  readonly adminKey: () => string | undefined;
  readonly schedule: string;
  readonly timeoutMs: number;
}

/** Asks the service to collect garbage: `POST /v1/admin/gc` with the agent's admin key. */
export function createGcJob(options: GcJobOptions): Job {
  const url = `${options.serviceUrl.replace(/\/$/, '')}/v1/admin/gc`;
  return {
    name: 'gc',
    schedule: options.schedule,
    shared: true,
    async run(signal) {
      const key = options.adminKey();
      if (key === undefined)
        throw new Error(
          'gc: no admin key (set agent.adminKey, or let the service make its local key)',
        );
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ dry_run: false }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        });
      } catch (error) {
        throw new Error(`gc: POST ${url} failed`, { cause: error });
      }
      const text = await response.text();
      if (!response.ok) {
        // problem+json carries a stable `code`; anything else is shown as the status only.
        let code = '';
        try {
          const problem = JSON.parse(text) as { code?: unknown };
          if (typeof problem.code === 'string') code = ` (${problem.code})`;
        } catch {
          // Not JSON: the status says enough.
        }
        throw new Error(`gc: service answered ${response.status}${code}`);
      }
    },
  };
}
