import { rateLimitDecisionsTotal } from '../catalog/metrics/protection.ts';
import { q, timeseries } from './factories.ts';
import { protectionQueries as Q } from './queries/protection.ts';
import type { DashboardSpec } from './spec.ts';

export function protectionDashboard(): DashboardSpec<'protection'> {
  return {
    id: 'protection',
    description:
      'Rate limiting, authentication and input validation: what the service refuses, and why.',
    tags: ['service', 'security'],
    jobsFrom: rateLimitDecisionsTotal,
    rows: [
      {
        title: 'Rate limiting',
        panels: [
          timeseries(
            {
              title: 'Rate-limit decisions',
              question: 'How many requests does the limiter allow and reject, per policy?',
              description: 'Decisions per second by policy and decision.',
            },
            [q(Q.decisions, '{{policy}} {{decision}}')],
            { width: 8, unit: 'reqps' },
          ),
          timeseries(
            {
              title: 'Rejected share',
              question: 'Which policy rejects a large share of its requests?',
              description: 'Rejected requests as a share of all decisions, by policy.',
            },
            [q(Q.rejectedShare, '{{policy}}')],
            { width: 8, min: 0, max: 1, thresholds: [{ value: 0.25, color: 'orange' }] },
          ),
          timeseries(
            {
              title: 'Limiter backend',
              question: 'Is the shared Redis limiter deciding, or the per-process fallback?',
              description:
                'Decisions per second by the limiter that made them; `memory` means Redis was unavailable.',
            },
            [q(Q.byBackend, '{{backend}}')],
            { width: 8, unit: 'reqps' },
          ),
        ],
      },
      {
        title: 'Authentication and validation',
        panels: [
          timeseries(
            {
              title: 'Auth failures',
              question: 'Who is being refused, and for what?',
              description:
                'Requests refused by authentication or authorisation per second, by reason.',
            },
            [q(Q.authFailures, '{{reason}}')],
            { unit: 'reqps' },
          ),
          timeseries(
            {
              title: 'Validation rejections',
              question: 'What do clients get wrong in their requests?',
              description:
                'Requests rejected as invalid per second, by the problem reason code returned.',
            },
            [q(Q.validation, '{{reason}}')],
            { unit: 'reqps' },
          ),
        ],
      },
    ],
  };
}
