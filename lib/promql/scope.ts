import type { AnyMatcher } from './matchers.ts';

/**
 * The standard `job`/`instance` selector, defined here and nowhere else. Prometheus attaches both
 * labels to every scraped series; the catalog may not declare them.
 */
export const scopeLabels = ['job', 'instance'] as const;
export type ScopeLabel = (typeof scopeLabels)[number];

export interface Scope {
  readonly job?: AnyMatcher;
  readonly instance?: AnyMatcher;
}

/** Dashboards: the `job` and `instance` variables every dashboard defines. */
export const dashboardScope: Scope = {
  job: { variable: 'job' },
  instance: { variable: 'instance' },
};

/** Dashboards, for series that do not carry `instance` (recorded SLO series, `ALERTS`). */
export const dashboardJobScope: Scope = { job: { variable: 'job' } };

/** Rules: one scrape job, named in configuration (`generate.serviceJob`, `generate.agentJob`). */
export function jobScope(job: string): Scope {
  return { job };
}

/** Prometheus's and Alertmanager's own series, whatever job scrapes them. */
export const anyJob: Scope = {};
