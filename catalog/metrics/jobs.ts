import { agentJobs, jobResults } from '../labels.ts';
import { defineMetric } from '../types.ts';

const job = { job_name: { values: agentJobs } } as const;

export const jobRuns = defineMetric({
  name: 'aidb_agent_job_runs_total',
  kind: 'counter',
  unit: 'count',
  help: 'Scheduled job runs by result; `skipped` is a trigger that found the job still running.',
  labels: { ...job, result: { values: jobResults } },
  emitters: ['agent'],
});

export const jobLastDuration = defineMetric({
  name: 'aidb_agent_job_last_duration_seconds',
  kind: 'gauge',
  unit: 'seconds',
  help: 'Duration of the last finished run of the job.',
  labels: job,
  emitters: ['agent'],
});

export const jobLastSuccess = defineMetric({
  name: 'aidb_agent_job_last_success_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the job last finished successfully.',
  labels: job,
  emitters: ['agent'],
});

export const jobLastRun = defineMetric({
  name: 'aidb_agent_job_last_run_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the job last started.',
  labels: job,
  emitters: ['agent'],
  unconsumed:
    'Job timeline detail for ad-hoc queries and `aidb agent status`; panels and alerts read job outcomes and last success instead.',
});

export const jobNextRun = defineMetric({
  name: 'aidb_agent_job_next_run_timestamp_seconds',
  kind: 'gauge',
  unit: 'timestamp',
  help: 'When the job is next due by its schedule.',
  labels: job,
  emitters: ['agent'],
  unconsumed:
    'Job timeline detail for ad-hoc queries and `aidb agent status`; panels and alerts read job outcomes and last success instead.',
});

export const jobRunning = defineMetric({
  name: 'aidb_agent_job_running',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the job is running now (1) or not (0).',
  labels: job,
  emitters: ['agent'],
  unconsumed:
    'Job timeline detail for ad-hoc queries and `aidb agent status`; panels and alerts read job outcomes and last success instead.',
});

export const jobMetrics = [
  jobRuns,
  jobLastDuration,
  jobLastSuccess,
  jobLastRun,
  jobNextRun,
  jobRunning,
];
