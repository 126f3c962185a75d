import { Cron } from 'croner';
import { agentJobs, type JobResult, type AgentJobName } from '../catalog/labels.ts';
import {
  jobLastDuration,
  jobLastRun,
  jobLastSuccess,
  jobNextRun,
  jobRunning,
  jobRuns,
} from '../catalog/metrics/jobs.ts';
import type { CatalogMeter } from '../lib/telemetry/catalog-meter.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobClaims } from './job-claims.ts';
import type { JobState, JobStateStore } from './job-state.ts';
import type { Job } from './jobs/job.ts';
import { missedRun, scheduledSlot } from './missed-runs.ts';

/** How a trigger ended; `cancelled` is a run cut by shutdown, which counts as nothing. */
export type JobOutcomeResult = JobResult | 'cancelled';

export interface JobOutcome {
  readonly job: AgentJobName;
  readonly result: JobOutcomeResult;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly error: string | null;
}

/** One job as `/status` shows it; the last run survives restarts (the state file). */
export interface JobStatus {
  readonly name: AgentJobName;
  readonly schedule: string;
  readonly running: boolean;
  readonly lastRun: {
    readonly startedAt: string;
    readonly result: 'success' | 'failure';
    readonly durationSeconds: number;
    readonly error: string | null;
  } | null;
  readonly lastSuccessAt: string | null;
  readonly nextRunAt: string | null;
}

export interface Scheduler {
  /** Loads the saved state, schedules every job and starts those that came due while down. */
  start(): Promise<void>;
  /** Runs a job now (the CLI's `run-job`); a job already running is `skipped`. */
  runNow(name: AgentJobName): Promise<JobOutcome>;
  has(name: string): name is AgentJobName;
  /** Stops the schedules, cancels running jobs and waits until each has cleaned up. */
  stop(): Promise<void>;
  status(): readonly JobStatus[];
}

export interface SchedulerDeps {
  readonly jobs: readonly Job[];
  readonly meter: CatalogMeter;
  readonly store: JobStateStore;
  readonly logger: Logger;
  /** Where agents agree who runs a shared job's scheduled run; absent, every run is this agent's. */
  readonly claims?: JobClaims;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { jobs, meter, store, logger } = deps;
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const runs = meter.counter(jobRuns);
  const lastDuration = meter.gauge(jobLastDuration);
  const lastSuccess = meter.gauge(jobLastSuccess);
  const lastRun = meter.gauge(jobLastRun);
  const nextRun = meter.gauge(jobNextRun);
  const running = meter.gauge(jobRunning);
  const stopping = new AbortController();
  const active = new Map<AgentJobName, Promise<JobOutcome>>();
  const crons = new Map<AgentJobName, Cron>();
  let state: JobState = {};

  function publishNextRun(name: AgentJobName): void {
    const next = crons.get(name)?.nextRun();
    if (next) nextRun.record(next.getTime() / 1000, { job_name: name });
  }

  async function persist(): Promise<void> {
    try {
      await store.save(state);
    } catch (error) {
      // The run itself is done and exported; only its catch-up after a restart is at stake.
      logger.error({ err: error, path: store.path }, 'agent: could not save job state');
    }
  }

  async function execute(job: Job): Promise<JobOutcome> {
    const startedMs = Date.now();
    const start = performance.now();
    running.record(1, { job_name: job.name });
    lastRun.record(startedMs / 1000, { job_name: job.name });
    logger.info({ job: job.name }, 'agent: job started');
    let result: JobOutcomeResult = 'success';
    let error: string | null = null;
    try {
      await job.run(stopping.signal);
    } catch (cause) {
      result = stopping.signal.aborted ? 'cancelled' : 'failure';
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const durationSeconds = (performance.now() - start) / 1000;
    running.record(0, { job_name: job.name });
    const outcome: JobOutcome = {
      job: job.name,
      result,
      startedAt: new Date(startedMs).toISOString(),
      durationSeconds,
      error,
    };
    const log = result === 'success' ? logger.info.bind(logger) : logger.error.bind(logger);
    log({ job: job.name, result, durationSeconds, error }, 'agent: job finished');
    if (result === 'cancelled') return outcome;
    runs.add(1, { job_name: job.name, result });
    lastDuration.record(durationSeconds, { job_name: job.name });
    const previous = state[job.name];
    const lastSuccessMs = result === 'success' ? startedMs : previous?.lastSuccessMs;
    if (lastSuccessMs !== undefined)
      lastSuccess.record(lastSuccessMs / 1000, { job_name: job.name });
    state = {
      ...state,
      [job.name]: {
        lastRunMs: startedMs,
        lastDurationSeconds: durationSeconds,
        lastResult: result,
        ...(error === null ? {} : { lastError: error }),
        ...(lastSuccessMs === undefined ? {} : { lastSuccessMs }),
      },
    };
    publishNextRun(job.name);
    await persist();
    return outcome;
  }

  /** A trigger that did not run the job, counted as `result`. */
  function notRun(job: Job, result: 'skipped' | 'failure', why: string): JobOutcome {
    runs.add(1, { job_name: job.name, result });
    return {
      job: job.name,
      result,
      startedAt: new Date().toISOString(),
      durationSeconds: 0,
      error: why,
    };
  }

  function trigger(job: Job): Promise<JobOutcome> {
    const current = active.get(job.name);
    if (current !== undefined) {
      logger.warn({ job: job.name }, 'agent: job still running; trigger skipped');
      return Promise.resolve(notRun(job, 'skipped', 'still running'));
    }
    const run = execute(job).finally(() => active.delete(job.name));
    active.set(job.name, run);
    return run;
  }

  /** A run the schedule asked for: a shared job runs only where its slot is claimed. */
  async function scheduled(job: Job): Promise<JobOutcome> {
    if (job.shared === true && deps.claims !== undefined) {
      const slot = scheduledSlot(job.schedule, Date.now());
      let claimed: boolean;
      try {
        claimed = await deps.claims.claim(job.name, slot);
      } catch (error) {
        // Running without the claim could run it twice; the next slot tries again.
        logger.error({ err: error, job: job.name }, 'agent: could not claim the scheduled run');
        return notRun(job, 'failure', 'could not claim the scheduled run');
      }
      if (!claimed) {
        logger.info({ job: job.name, slot: iso(slot) }, 'agent: another agent runs this one');
        return notRun(job, 'skipped', 'claimed by another agent');
      }
    }
    return trigger(job);
  }

  function restore(job: Job): void {
    const saved = state[job.name];
    runs.zero({ job_name: [job.name] });
    running.record(0, { job_name: job.name });
    if (saved === undefined) return;
    lastRun.record(saved.lastRunMs / 1000, { job_name: job.name });
    lastDuration.record(saved.lastDurationSeconds, { job_name: job.name });
    if (saved.lastSuccessMs !== undefined) {
      lastSuccess.record(saved.lastSuccessMs / 1000, { job_name: job.name });
    }
  }

  return {
    async start() {
      try {
        state = await store.load();
      } catch (error) {
        // Forgetting last-run times costs at most a skipped catch-up; refusing to start
        // would stop every probe too.
        logger.error({ err: error }, 'agent: job state unreadable; starting without it');
      }
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await job.prepare?.(stopping.signal);
          } catch (error) {
            // Its next run reports the same problem as a failure, where alerts see it.
            logger.error({ err: error, job: job.name }, 'agent: job preparation failed');
          }
        }),
      );
      const now = Date.now();
      for (const job of jobs) {
        restore(job);
        const cron = new Cron(job.schedule, { unref: true }, () => {
          void scheduled(job);
        });
        crons.set(job.name, cron);
        publishNextRun(job.name);
        if (missedRun(job.schedule, state[job.name]?.lastRunMs, now)) {
          logger.info(
            { job: job.name },
            'agent: job came due while the agent was down; running it now',
          );
          void scheduled(job);
        }
      }
    },
    runNow(name) {
      const job = byName.get(name);
      if (job === undefined) return Promise.reject(new Error(`agent: no job ${name}`));
      return trigger(job);
    },
    has(name): name is AgentJobName {
      return (agentJobs as readonly string[]).includes(name) && byName.has(name as AgentJobName);
    },
    async stop() {
      for (const cron of crons.values()) cron.stop();
      stopping.abort(new Error('agent: shutting down'));
      await Promise.all(active.values());
    },
    status() {
      return jobs.map((job) => {
        const saved = state[job.name];
        return {
          name: job.name,
          schedule: job.schedule,
          running: active.has(job.name),
          lastRun:
            saved === undefined
              ? null
              : {
                  startedAt: new Date(saved.lastRunMs).toISOString(),
                  result: saved.lastResult,
                  durationSeconds: saved.lastDurationSeconds,
                  error: saved.lastError ?? null,
                },
          lastSuccessAt: iso(saved?.lastSuccessMs),
          nextRunAt: iso(crons.get(job.name)?.nextRun()?.getTime()),
        };
      });
    },
  };
}
