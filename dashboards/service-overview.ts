import { httpServerRequestDuration } from '../catalog/metrics/http.ts';
import { allSlos, type SloDef } from '../catalog/slos.ts';
import { burnWindows } from '../alerts/slo/windows.ts';
import { q, redPanels, stat, timeseries } from './factories.ts';
import { overviewQueries as Q, sloQueries } from './queries/service-overview.ts';
import type { DashboardSpec, PanelSpec } from './spec.ts';

function sloPanels(slo: SloDef): PanelSpec[] {
  const S = sloQueries(slo);
  const fast = burnWindows[0];
  return [
    stat(
      {
        title: `${slo.title}: attained (${S.compliance})`,
        question: `Is the ${slo.title.toLowerCase()} objective of ${slo.objective}% met?`,
        description: `${slo.description} Share of good requests over the ${S.compliance} compliance window; red below the ${slo.objective}% objective.`,
      },
      [q(S.attainment, slo.name)],
      {
        unit: 'percentunit',
        base: 'red',
        thresholds: [{ value: 1 - Number(S.model.budget), color: 'green' }],
      },
    ),
    stat(
      {
        title: `${slo.title}: error budget left`,
        question: `How much ${slo.title.toLowerCase()} error budget is left this window?`,
        description: `1 is an untouched budget of ${S.model.budget}, 0 a spent one; negative means the objective is missed.`,
      },
      [q(S.budgetLeft, slo.name)],
      {
        unit: 'percentunit',
        base: 'red',
        thresholds: [
          { value: 0, color: 'orange' },
          { value: 0.25, color: 'green' },
        ],
      },
    ),
    timeseries(
      {
        title: `${slo.title}: burn rate`,
        question: `How fast is the ${slo.title.toLowerCase()} budget burning?`,
        description: `Error ratio divided by the budget: 1 spends the budget in exactly ${String(slo.windowDays)} days; the fast-burn page fires above ${fast?.factor ?? ''} over both 1h and 5m.`,
      },
      [q(S.burnRate('1h'), '1h'), q(S.burnRate('5m'), '5m')],
      {
        unit: 'short',
        width: 12,
        min: 0,
        thresholds: [{ value: Number(fast?.factor ?? 1), color: 'red' }],
      },
    ),
  ];
}

export function serviceOverview(): DashboardSpec<'service-overview'> {
  const red = redPanels('Requests', {
    rate: q(Q.requestsByRoute, '{{http_route}}'),
    errors: q(Q.errorRatioByRoute, '{{http_route}}'),
    duration: [q(Q.overallLatency(0.5), 'p50'), q(Q.overallLatency(0.99), 'p99')],
  }).map((p, i) => (i === 0 ? { ...p, unit: 'reqps' as const } : p));
  return {
    id: 'service-overview',
    description: 'RED of the aidb API, its SLOs and error budgets; start here.',
    tags: ['service', 'slo'],
    jobsFrom: httpServerRequestDuration,
    rows: [
      { title: 'Requests, errors, duration', panels: red },
      {
        title: 'Latency and load',
        panels: [
          timeseries(
            {
              title: 'Latency by route (p50, p90, p99)',
              question: 'Which routes are slow, and is it the tail or everyone?',
              description:
                'Request duration percentiles per route template, from the request-duration histogram.',
            },
            [
              q(Q.latency(0.5), 'p50 {{http_route}}'),
              q(Q.latency(0.9), 'p90 {{http_route}}'),
              q(Q.latency(0.99), 'p99 {{http_route}}'),
            ],
            { min: 0 },
          ),
          timeseries(
            {
              title: 'Status codes',
              question:
                'What are clients getting back: successes, client errors, throttling, server errors?',
              description: 'Responses per second by HTTP status code.',
            },
            [q(Q.statusCodes, '{{http_response_status_code}}')],
            { unit: 'reqps', width: 6 },
          ),
          timeseries(
            {
              title: 'In-flight requests',
              question: 'Are requests piling up on an instance?',
              description: 'Requests being served right now, per instance.',
            },
            [q(Q.inFlight, '{{instance}}')],
            { width: 6, min: 0 },
          ),
        ],
      },
      { title: 'Service level objectives', panels: allSlos.flatMap(sloPanels) },
      {
        title: 'Health probes',
        panels: [
          timeseries(
            {
              title: 'Probe answers by kind and outcome',
              question: 'What do the probes (kubelet, agent) hear back, and is readiness failing?',
              description:
                'Health-check answers per second by probe kind (liveness, readiness, startup, detailed) and status (healthy, degraded, unhealthy).',
            },
            [q(Q.healthAnswers, '{{check_type}} {{status}}')],
            { unit: 'reqps', min: 0 },
          ),
          timeseries(
            {
              title: 'Probe answer time (p99)',
              question: 'Is a probe close to its timeout?',
              description:
                'p99 time to answer a health check by probe kind; readiness checks every dependency, so a slow one shows here before the kubelet cuts the probe.',
            },
            [q(Q.healthAnswerTime(0.99), 'p99 {{check_type}}')],
            { min: 0 },
          ),
        ],
      },
    ],
  };
}
