import { dependencyHealthStatus } from '../catalog/metrics/health.ts';
import { breakerDependencies } from '../catalog/labels.ts';
import { q, redPanels, stateTimeline, timeseries, usePanels } from './factories.ts';
import { dependencyQueries as Q } from './queries/dependencies.ts';
import type { DashboardSpec } from './spec.ts';

const noBreaker = `Only ${breakerDependencies.join(', ')} have circuit breakers; Redis is a cache and fails open, so its row shows none.`;

export function dependenciesDashboard(): DashboardSpec<'dependencies'> {
  return {
    id: 'dependencies',
    description:
      'Each dependency of the service: up or down, latency, errors, circuit breaker; PostgreSQL pool use.',
    tags: ['service', 'dependencies'],
    jobsFrom: dependencyHealthStatus,
    variables: [
      { name: 'dependency', label: 'Dependency', from: Q.variableSource, valuesOf: 'dependency' },
    ],
    rows: [
      {
        title: 'PostgreSQL pool',
        panels: usePanels('Pool', {
          utilization: q(Q.poolByState, '{{state}}'),
          saturation: q(Q.poolWaiting, 'waiting'),
          limit: q(Q.poolMax, 'max'),
        }),
      },
      {
        title: '$dependency',
        repeat: 'dependency',
        panels: [
          stateTimeline(
            {
              title: 'Up or down',
              question: 'Is this dependency up, and since when?',
              description: 'The service’s own health check of the dependency: up (1) or down (0).',
            },
            [q(Q.up, '{{dependency}}')],
            { unit: 'short' },
          ),
          stateTimeline(
            {
              title: 'Circuit breaker open',
              question: 'Is the breaker refusing calls to this dependency?',
              description: 'Whether the circuit breaker is open (calls fail fast with 503).',
            },
            [q(Q.breakerState, 'open')],
            { unit: 'short', states: ['closed', 'open'], emptyByDesign: noBreaker },
          ),
          ...redPanels('Calls', {
            rate: q(Q.calls, '{{operation}}'),
            errors: q(Q.errors, '{{error_type}}'),
            duration: [
              q(Q.latency(0.5), 'p50 {{operation}}'),
              q(Q.latency(0.99), 'p99 {{operation}}'),
            ],
          }).map((p, i) =>
            i === 1
              ? {
                  ...p,
                  title: 'Calls: errors by type',
                  unit: 'short' as const,
                  description: 'Failed calls per second by error type.',
                  thresholds: [],
                }
              : p,
          ),
          timeseries(
            {
              title: 'Breaker transitions',
              question: 'Is the breaker flapping between states?',
              description: 'State changes of the circuit breaker, by the state entered.',
            },
            [q(Q.breakerTransitions, '{{state}}')],
            {
              unit: 'short',
              width: 24,
              height: 6,
              emptyByDesign: `${noBreaker} A breaker that never changed state shows zero.`,
            },
          ),
        ],
      },
    ],
  };
}
