import { authFailures, rateLimitDecisionsTotal } from '../../catalog/metrics/protection.ts';
import { and, gt, jobScope, rate, ratio, selectors, sum } from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, ramp } from '../fixtures.ts';
import type { FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { alert, serviceTarget } from './common.ts';

export function protectionFamily(context: GenerationContext): FamilySpec<'protection'> {
  const s = selectors(jobScope(context.serviceJob));
  const target = serviceTarget(context);
  const byPolicy = ['job', 'policy'] as const;
  const decisions = rate(s.counter(rateLimitDecisionsTotal), '5m');
  const rejected = rate(s.counter(rateLimitDecisionsTotal, { decision: 'rejected' }), '5m');
  const failures = sum(['job', 'reason'], rate(s.counter(authFailures), '5m'));
  const decision = (value: 'allowed' | 'rejected', perMinute: number) =>
    input(
      rateLimitDecisionsTotal,
      target,
      { policy: 'search', decision: value, backend: 'redis' },
      ramp(0, perMinute, 30),
    );
  const authFailure = (perMinute: number) =>
    input(authFailures, target, { reason: 'invalid_key' }, ramp(0, perMinute, 30));

  return {
    id: 'protection',
    title: 'Protection',
    prefixes: ['AidbProtection'],
    groups: [
      {
        name: groupName('protection'),
        rules: [
          alert({
            name: 'AidbProtectionRateLimitRejectionsHigh',
            expr: and(
              gt(ratio(byPolicy, rejected, decisions), '0.25'),
              gt(sum(byPolicy, decisions), '0.1'),
            ),
            for: '15m',
            severity: 'warning',
            summary: tpl`Rate limiter rejects over a quarter of ${label('policy')} requests`,
            description: tpl`More than 25% of the requests under the ${label('policy')} policy of ${label('job')} have been answered 429 for 15 minutes.`,
            dashboard: 'protection',
            runbook: {
              meaning:
                'Many clients hit their rate limit. Either a client misbehaves (a retry loop, a scraper) or the budgets are too small for real use.',
              causes: [
                'One API key or address sending far more than its budget.',
                'Budgets set below normal traffic after a change in usage.',
                'Redis down: the in-memory insurance limiter counts per process and may be stricter.',
              ],
              dependencies: ['redis'],
              firstQueries: [
                { title: 'Rejected share by policy', expr: ratio(byPolicy, rejected, decisions) },
                {
                  title: 'Decisions by limiter backend',
                  expr: sum(['backend', 'decision'], decisions),
                },
              ],
              mitigation: [
                'Find the client in the service logs (429 responses carry the key id, never the key).',
                'If traffic is legitimate, raise the policy budget in the configuration and restart the service.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'half of the search requests rejected fires after fifteen minutes',
                  series: [decision('allowed', 30), decision('rejected', 30)],
                  onset: '1m',
                  at: '16m',
                  labels: { job: target.job, policy: 'search' },
                },
              ],
              silent: [
                {
                  name: 'five percent rejected stays silent',
                  series: [decision('allowed', 57), decision('rejected', 3)],
                  at: '25m',
                },
                {
                  name: 'a rejected request a minute is too little traffic',
                  series: [decision('rejected', 1)],
                  at: '25m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbProtectionAuthFailureBurst',
            expr: gt(failures, '0.5'),
            for: '2m',
            severity: 'warning',
            summary: tpl`Burst of authentication failures (${label('reason')}) on ${label('job')}`,
            description: tpl`${label('job')} has refused more than 30 requests a minute for ${label('reason')} for 2 minutes: a client with a wrong or revoked key, or someone guessing keys.`,
            dashboard: 'protection',
            runbook: {
              meaning: 'Many requests arrive with a missing, unknown or under-scoped API key.',
              causes: [
                'A client still using a rotated or revoked key.',
                'A deploy of a client without its key file.',
                'Key guessing from outside (failures are rate limited too).',
              ],
              firstQueries: [{ title: 'Failures per second by reason', expr: failures }],
              mitigation: [
                'Find the source addresses in the service logs (401/403 responses).',
                'Give the client a valid key (`aidb keys create --name <client> --scope read`, then add the printed entry to `AIDB_API_KEYS` and restart the service), or block the source at the edge if it is hostile.',
              ],
            },
            tests: {
              firing: [
                {
                  // rate() over 5m of a counter that starts at 0 reads 3/5 of the real rate
                  // after 3 minutes: that is when it first passes 0.5/s.
                  name: 'sixty failures a minute fire two minutes after the rate passes 0.5/s',
                  series: [authFailure(60)],
                  onset: '3m',
                  at: '5m',
                  labels: { job: target.job, reason: 'invalid_key' },
                },
              ],
              silent: [
                {
                  name: 'a failure every few seconds stays silent',
                  series: [authFailure(12)],
                  at: '20m',
                },
              ],
            },
          }),
        ],
      },
    ],
  };
}
