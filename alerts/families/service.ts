import { httpServerRequestDuration } from '../../catalog/metrics/http.ts';
import { up } from '../../catalog/metrics/monitoring.ts';
import { eventLoopDelay, processStartTime } from '../../catalog/metrics/runtime.ts';
import {
  absent,
  and,
  changes,
  eq,
  gt,
  jobScope,
  max,
  rate,
  ratio,
  selectors,
  sum,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, ramp, steady } from '../fixtures.ts';
import type { FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { alert, serviceTarget, targetLabels } from './common.ts';

/** Restarts within this window that make a crash loop (three starts in half an hour). */
const restartWindow = '30m';

/** The service as a whole: scraped, present, answering without errors, not stalled, not looping. */
export function serviceFamily(context: GenerationContext): FamilySpec<'service'> {
  const s = selectors(jobScope(context.serviceJob));
  const target = serviceTarget(context);
  const instance = targetLabels(target);
  const requests = (code: string, perMinute: number) =>
    input(
      httpServerRequestDuration,
      target,
      {
        http_request_method: 'GET',
        http_route: '/v1/collections',
        http_response_status_code: code,
      },
      ramp(0, perMinute, 30),
      '_count',
    );
  const routeRequests = rate(s.count(httpServerRequestDuration), '5m');
  const routeErrors = rate(
    s.count(httpServerRequestDuration, { http_response_status_code: { re: '5..' } }),
    '5m',
  );
  const by = ['job', 'http_route'] as const;

  return {
    id: 'service',
    title: 'Service',
    prefixes: ['AidbService'],
    groups: [
      {
        name: groupName('service'),
        rules: [
          alert({
            name: 'AidbServiceDown',
            expr: eq(max(['job', 'instance'], s.gauge(up)), 0),
            for: '2m',
            severity: 'critical',
            summary: tpl`aidb service ${label('instance')} cannot be scraped`,
            description: tpl`Prometheus has failed to scrape ${label('instance')} of job ${label('job')} for 2 minutes: the process is down, hung, or refuses the scrape.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'Prometheus cannot read the service’s `/metrics`. Either the process is not running or not answering, or the scrape itself is refused (wrong port, or the metrics API key missing since `/metrics` needs a key by default).',
              causes: [
                'The process crashed or was killed (out of memory, a failed start-up such as a migration error).',
                'The scrape configuration lost its bearer key, so `/metrics` answers 401.',
                'The host or network between Prometheus and the service is down.',
              ],
              firstQueries: [
                {
                  title: 'Scrape status of every instance',
                  expr: max(['job', 'instance'], s.gauge(up)),
                },
              ],
              mitigation: [
                'Run `aidb health` on the service’s host: `live` means the process answers and the scrape is the problem (compare the scrape’s bearer key with a read key of `AIDB_API_KEYS`); an error means the process is down or hung.',
                'Read the service’s logs (table above) for the last error before it stopped; a configuration error exits 78 and names the setting.',
                'Restart it: in a checkout `npm start`; in Kubernetes `kubectl rollout restart deploy/aidb`; under Quadlet `systemctl restart aidb`. It worked when `aidb health` prints `live` and the alert resolves within two minutes.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a target that stops answering fires after two minutes',
                  series: [input(up, target, {}, '1x4 0x20')],
                  onset: '5m',
                  at: '7m',
                  labels: instance,
                },
              ],
              silent: [
                {
                  name: 'a healthy target stays silent',
                  series: [input(up, target, {}, steady(1, 20))],
                  at: '15m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbServiceTargetAbsent',
            expr: absent(
              s.gauge(up),
              'the alert exists to fire when Prometheus has no service target at all',
            ),
            for: '5m',
            severity: 'critical',
            summary: tpl`No aidb service target in job ${label('job')}`,
            description: tpl`Prometheus has had no target for job ${label('job')} for 5 minutes, so every other service alert is blind.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'Prometheus has no scrape target for the service job at all. Stale series resolve alerts silently, so without this alert a vanished target would look like a healthy service.',
              causes: [
                'The scrape configuration (or ServiceMonitor) changed or lost the job name in `generate.serviceJob`.',
                'Service discovery finds no instance: the deployment was scaled to zero or deleted.',
              ],
              firstQueries: [
                {
                  title: 'Every scrape target of the job',
                  expr: max(['job', 'instance'], s.gauge(up)),
                },
              ],
              mitigation: [
                'Check Prometheus’s Targets page for the job; compare the job name with `AIDB_SERVICE_JOB` used when the rules were generated.',
                'If the job was renamed, regenerate with `aidb generate --out DIR` and reload Prometheus.',
              ],
            },
            tests: {
              firesWithoutData: true,
              firing: [
                {
                  name: 'no target at all fires after five minutes',
                  series: [],
                  at: '6m',
                  labels: { job: context.serviceJob },
                },
              ],
              silent: [
                {
                  name: 'a scraped target stays silent',
                  series: [input(up, target, {}, steady(1, 20))],
                  at: '15m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbServiceErrorRatioHigh',
            expr: and(
              gt(ratio(by, routeErrors, routeRequests), '0.05'),
              gt(sum(by, routeRequests), '0.1'),
            ),
            for: '10m',
            severity: 'warning',
            summary: tpl`More than 5% server errors on ${label('http_route')}`,
            description: tpl`Route ${label('http_route')} of ${label('job')} has answered more than 5% of its requests with 5xx for 10 minutes (at least one request every 10 s). The SLO alerts watch the budget; this one names the route.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'One route fails more than 5% of its requests with a server error. The SLO burn-rate alerts see the whole API; this alert points at the route, and also catches routes outside the SLOs.',
              causes: [
                'A dependency the route needs is failing (see the dependencies dashboard).',
                'A bug on that route, often right after a deploy (see the deploy annotations).',
              ],
              dependencies: ['postgres', 'qdrant', 'embeddings'],
              firstQueries: [
                { title: 'Error ratio by route', expr: ratio(by, routeErrors, routeRequests) },
                {
                  title: 'Status codes of the service',
                  expr: sum(['http_response_status_code'], routeRequests),
                },
              ],
              mitigation: [
                'Read the service logs for the route’s problem responses; every one carries a request id and trace id.',
                'If a dependency is down, follow its runbook section; if a deploy started it, roll back.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'ten percent 5xx on a busy route fires after ten minutes',
                  series: [requests('200', 54), requests('500', 6)],
                  onset: '1m',
                  at: '11m',
                  labels: { job: target.job, http_route: '/v1/collections' },
                },
              ],
              silent: [
                {
                  name: 'two percent 5xx stays silent',
                  series: [requests('200', 59), requests('500', 1.2)],
                  at: '20m',
                },
                {
                  name: 'one failing request a minute is too little traffic to alert on',
                  series: [requests('500', 1)],
                  at: '20m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbServiceEventLoopStalled',
            expr: gt(max(['job', 'instance'], s.gauge(eventLoopDelay, { stat: 'p99' })), '0.5'),
            for: '5m',
            severity: 'warning',
            summary: tpl`Event loop of ${label('instance')} stalls for over 500 ms`,
            description: tpl`The 99th percentile of event-loop delay on ${label('instance')} has been above 0.5 s for 5 minutes: every request on it waits that long before it is even read.`,
            dashboard: 'runtime',
            runbook: {
              meaning:
                'Node.js runs all requests on one event loop; a p99 delay above 500 ms means synchronous work blocks it, so latency rises for every route and `/health/live` may start to fail.',
              causes: [
                'CPU starvation of the host or container (throttling, noisy neighbours).',
                'Long synchronous work: a huge JSON body, the built-in embedder on large batches, or garbage collection under memory pressure.',
              ],
              firstQueries: [
                {
                  title: 'Event-loop delay by statistic',
                  expr: max(['job', 'instance', 'stat'], s.gauge(eventLoopDelay)),
                },
              ],
              mitigation: [
                'Check the runtime dashboard: heap near its limit with frequent major GC points to memory pressure.',
                'Lower `AIDB_EMBEDDINGS_BATCH_SIZE` or the body limit if large batches line up with the stalls; add CPU if the host is saturated.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a one-second p99 delay fires after five minutes',
                  series: [input(eventLoopDelay, target, { stat: 'p99' }, '0.01x4 1x20')],
                  onset: '5m',
                  at: '10m',
                  labels: instance,
                },
              ],
              silent: [
                {
                  name: 'a 20 ms p99 delay stays silent',
                  series: [input(eventLoopDelay, target, { stat: 'p99' }, steady(0.02, 20))],
                  at: '15m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbServiceRestarting',
            expr: gt(
              max(['job', 'instance'], changes(s.gauge(processStartTime), restartWindow)),
              2,
            ),
            severity: 'warning',
            summary: tpl`aidb service ${label('instance')} restarted more than twice in 30 minutes`,
            description: tpl`The start time of ${label('instance')} changed more than twice within 30 minutes: the process is crash-looping.`,
            dashboard: 'runtime',
            runbook: {
              meaning:
                'The process keeps starting again. Each restart drops in-flight requests and, during start-up, readiness is 503.',
              causes: [
                'A crash on start-up or shortly after (configuration, migration, an unhandled error), restarted by a supervisor.',
                'The liveness probe kills it: event-loop stalls or too tight a timeout.',
                'Out-of-memory kills.',
              ],
              firstQueries: [
                {
                  title: 'Restarts in the last 30 minutes',
                  expr: max(['job', 'instance'], changes(s.gauge(processStartTime), restartWindow)),
                },
              ],
              mitigation: [
                'Read the logs of the last start: configuration errors exit with status 78 and name the setting.',
                'Check the runtime dashboard for heap at its limit before each restart.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'three restarts within half an hour fire',
                  series: [input(processStartTime, target, {}, '100x4 400x4 700x4 1000x10')],
                  at: '16m',
                  labels: instance,
                },
              ],
              silent: [
                {
                  name: 'one restart (a deploy) stays silent',
                  series: [input(processStartTime, target, {}, '100x9 700x20')],
                  at: '25m',
                },
              ],
            },
          }),
        ],
      },
    ],
  };
}
