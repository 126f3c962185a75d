import { dependencies, dependencyNames, type DependencyName } from '../../catalog/dependencies.ts';
import {
  dependencyErrors,
  dependencyOperationDuration,
  postgresPoolConnections,
} from '../../catalog/metrics/dependencies.ts';
import { circuitBreakerState, dependencyHealthStatus } from '../../catalog/metrics/health.ts';
import { breakerDependencies } from '../../catalog/labels.ts';
import {
  and,
  eq,
  gt,
  histogramQuantile,
  jobScope,
  max,
  rate,
  ratio,
  selectors,
  sum,
} from '../../lib/promql/index.ts';
import { camelCase, groupName } from '../conventions.ts';
import { carriedLabels } from '../inhibitions.ts';
import { histogramInput, input, ramp, steady } from '../fixtures.ts';
import type { AlertSpec, FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { alert, serviceTarget, targetLabels } from './common.ts';

/** Labels every dependency alert keeps, so a dependency's down alert can inhibit the others. */
const perDependency = ['job', 'instance', 'dependency'] as const;

/** What to do about each dependency once the probe names the error. */
const restoreSteps: Readonly<Record<DependencyName, string>> = {
  postgres:
    'Bring PostgreSQL back: check its server (`pg_isready -h HOST -p PORT`) and its log for the reason; on the embedded profile the database lives in the service, so read the service log and restart the service. If the data is lost, restore the newest verified backup: find its id with `aidb backup list`, then `aidb backup restore <id> --target <database>` (the data directory on the embedded profile; add `--force` to replace what is there).',
  redis:
    'Bring Redis back (`redis-cli -u $REDIS_URL ping` answers `PONG` when it is up); meanwhile the service serves without its cache and counts rate limits per instance.',
  qdrant:
    'Bring Qdrant back (`curl $QDRANT_URL/readyz`); if a collection is lost, restore the newest verified backup: find its id with `aidb backup list`, then `aidb backup restore <id> --target original --force`.',
  embeddings:
    'Bring the embeddings server back (`curl $EMBEDDINGS_URL/health` for llama.cpp, or its `/v1/models`); on the embedded profile the embedder lives in the service: read the service log and restart the service.',
};

/**
 * The `<Dependency>Down` template, one alert per dependency of `catalog/dependencies.ts`; it
 * inhibits the symptoms about its own dependency, so only the cause notifies.
 */
function downAlert(
  name: DependencyName,
  context: GenerationContext,
  symptoms: readonly AlertSpec[],
): AlertSpec {
  const def = dependencies[name];
  const s = selectors(jobScope(context.serviceJob));
  const target = serviceTarget(context);
  const status = (values: string) =>
    input(dependencyHealthStatus, target, { dependency: name }, values);
  return alert({
    name: `AidbDependency${camelCase(name)}Down`,
    expr: eq(max(perDependency, s.gauge(dependencyHealthStatus, { dependency: name })), 0),
    for: '1m',
    severity: def.critical ? 'critical' : 'warning',
    summary: tpl`${def.title} is down for ${label('instance')}`,
    description: def.critical
      ? tpl`${label('instance')} of ${label('job')} has found ${def.title} down for a minute; it is critical, so the instance reports not ready and requests that need it fail with 503.`
      : tpl`${label('instance')} of ${label('job')} has found ${def.title} down for a minute; it is not critical, so the instance runs degraded.`,
    dashboard: 'dependencies',
    inhibits: {
      alerts: symptoms.filter(
        (a) =>
          carriedLabels(a).includes('dependency') &&
          (a.labels?.dependency === undefined || a.labels.dependency === name),
      ),
      dependency: name,
      why: `${def.title} down explains its breaker, error, latency and pool alerts.`,
    },
    runbook: {
      meaning: `The service's own health check of ${def.title} fails (in use: ${def.when}). ${
        def.critical
          ? 'It is critical: `/health/ready` answers 503 and the routes that need it answer 503 with Retry-After.'
          : 'It is not critical: the service keeps serving without it and reports `degraded`.'
      }`,
      causes: [`${def.title} itself is down, restarting, or unreachable from the service.`],
      dependencies: [name],
      firstQueries: [
        {
          title: 'Dependency status seen by the service',
          expr: max(perDependency, s.gauge(dependencyHealthStatus)),
        },
      ],
      mitigation: [
        `Run \`aidb agent probe ${name}\` for the agent's probe of ${def.title}, with its phases and error (where ${def.title} is embedded or reached only through the service, it probes the service's readiness, which includes it).`,
        restoreSteps[name],
        `It worked when \`aidb agent probe ${name}\` exits 0 and the dependency status panel shows ${def.title} up again; the service reconnects by itself, without a restart.`,
      ],
    },
    tests: {
      firing: [
        {
          name: `${def.title} reported down fires after a minute`,
          series: [status('1x4 0x20')],
          onset: '5m',
          at: '6m',
          labels: { ...targetLabels(target), dependency: name },
        },
      ],
      silent: [
        { name: `${def.title} up stays silent`, series: [status(steady(1, 20))], at: '15m' },
      ],
    },
  });
}

export function dependenciesFamily(context: GenerationContext): FamilySpec<'dependencies'> {
  const s = selectors(jobScope(context.serviceJob));
  const target = serviceTarget(context);
  const postgres = { ...targetLabels(target), dependency: 'postgres' };
  const calls = rate(s.count(dependencyOperationDuration), '5m');
  const failures = rate(s.counter(dependencyErrors, { error_type: { not: 'circuit_open' } }), '5m');
  const latency = histogramQuantile(
    0.99,
    perDependency,
    rate(s.buckets(dependencyOperationDuration), '5m'),
  );
  const breaker = (values: string) =>
    input(circuitBreakerState, target, { dependency: 'postgres', state: 'open' }, values);
  const callSeries = (perMinute: number) =>
    input(
      dependencyOperationDuration,
      target,
      { dependency: 'postgres', operation: 'query' },
      ramp(0, perMinute, 30),
      '_count',
    );
  const errorSeries = (perMinute: number) =>
    input(
      dependencyErrors,
      target,
      { dependency: 'postgres', operation: 'query', error_type: 'timeout' },
      ramp(0, perMinute, 30),
    );
  const slowCalls = (value: number) =>
    histogramInput(
      dependencyOperationDuration,
      target,
      { dependency: 'postgres', operation: 'query' },
      [{ value, perInterval: 60 }],
      30,
    );
  const waiting = (values: string) =>
    input(postgresPoolConnections, target, { state: 'waiting' }, values);

  /** What a dependency's failure shows as, besides its down alert: the down alert explains them. */
  const symptoms: AlertSpec[] = [
    alert({
      name: 'AidbDependencyBreakerOpen',
      expr: eq(max(perDependency, s.gauge(circuitBreakerState, { state: 'open' })), 1),
      for: '1m',
      // A breaker half-opens to try one call and may open again: keep the alert firing
      // through those short closes instead of resolving and re-paging.
      keepFiringFor: '10m',
      severity: 'warning',
      summary: tpl`Circuit breaker for ${label('dependency')} is open on ${label('instance')}`,
      description: tpl`The circuit breaker of ${label('dependency')} on ${label('instance')} has been open for a minute: calls fail fast with 503 instead of waiting for a failing dependency.`,
      dashboard: 'dependencies',
      runbook: {
        meaning: `The breaker stopped calling a dependency after repeated failures (breakers guard ${breakerDependencies.join(', ')}). Requests that need it fail fast with 503 and Retry-After until a trial call succeeds.`,
        causes: [
          'The dependency fails or times out; its down alert, when it fires too, inhibits this one.',
        ],
        dependencies: [...breakerDependencies],
        firstQueries: [
          {
            title: 'Open breakers',
            expr: max(perDependency, s.gauge(circuitBreakerState, { state: 'open' })),
          },
          { title: 'Dependency error ratio', expr: ratio(perDependency, failures, calls) },
        ],
        mitigation: [
          'Run `aidb agent probe <dependency>` to see whether the dependency answers from the host.',
          'Once it is healthy, the breaker half-opens and closes by itself within its reset timeout.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'an open breaker fires after a minute',
            series: [breaker('0x4 1x20')],
            onset: '5m',
            at: '6m',
            labels: postgres,
          },
          {
            name: 'it keeps firing for ten minutes after the breaker closes',
            series: [breaker('0x4 1x5 0x20')],
            at: '18m',
            labels: postgres,
          },
        ],
        silent: [
          {
            name: 'a closed breaker stays silent',
            series: [breaker(steady(0, 20))],
            at: '15m',
          },
          {
            name: 'it resolves once keep_firing_for has passed',
            series: [breaker('0x4 1x5 0x30')],
            at: '30m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbDependencyErrorsHigh',
      expr: and(
        gt(ratio(perDependency, failures, calls), '0.1'),
        gt(sum(perDependency, calls), '0.1'),
      ),
      for: '10m',
      severity: 'warning',
      summary: tpl`More than 10% of calls to ${label('dependency')} fail on ${label('instance')}`,
      description: tpl`Over 10% of the calls from ${label('instance')} to ${label('dependency')} have failed for 10 minutes (calls refused by an open breaker not counted).`,
      dashboard: 'dependencies',
      runbook: {
        meaning:
          'Calls to a dependency fail often but it is not (yet) considered down: timeouts, refused connections or bad answers on part of the calls.',
        causes: [
          'An overloaded or partly failing dependency; a network problem; timeouts set too tight for the load.',
        ],
        dependencies: [...dependencyNames],
        firstQueries: [
          { title: 'Error ratio by dependency', expr: ratio(perDependency, failures, calls) },
          {
            title: 'Errors by type',
            expr: sum(['dependency', 'error_type'], rate(s.counter(dependencyErrors), '5m')),
          },
        ],
        mitigation: [
          'Run `aidb agent probe <dependency>` and compare its latency with the dependency latency panel.',
          'Look at the dependency’s own logs and load; raise its capacity or the service’s timeout if calls only time out under load.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'a fifth of the calls failing fires after ten minutes',
            series: [callSeries(60), errorSeries(12)],
            onset: '1m',
            at: '11m',
            labels: postgres,
          },
        ],
        silent: [
          {
            name: 'one percent of calls failing stays silent',
            series: [callSeries(60), errorSeries(0.6)],
            at: '20m',
          },
          {
            name: 'a failed call a minute is too little traffic',
            series: [callSeries(1), errorSeries(1)],
            at: '20m',
          },
        ],
      },
    }),
    alert({
      name: 'AidbDependencyLatencyHigh',
      expr: gt(latency, 1),
      for: '10m',
      severity: 'warning',
      summary: tpl`Calls to ${label('dependency')} take over a second (p99) on ${label('instance')}`,
      description: tpl`The 99th percentile of calls from ${label('instance')} to ${label('dependency')} has been above 1 s for 10 minutes.`,
      dashboard: 'dependencies',
      runbook: {
        meaning:
          'The slowest calls to a dependency take over a second, so requests that need it are slow as well.',
        causes: [
          'A slow or overloaded dependency, slow queries, or a saturated connection pool (see pool use).',
        ],
        dependencies: [...dependencyNames],
        firstQueries: [{ title: 'p99 latency by dependency', expr: latency }],
        mitigation: [
          'Run `aidb agent probe <dependency>` to measure it from the host.',
          'For PostgreSQL check the pool panel: callers waiting for a connection add to latency; raise `AIDB_DATABASE_POOL_MAX` if the database has room.',
        ],
      },
      tests: {
        firing: [
          {
            name: 'calls taking two seconds fire after ten minutes',
            series: slowCalls(2),
            onset: '1m',
            at: '11m',
            labels: postgres,
          },
        ],
        silent: [{ name: 'calls taking 20 ms stay silent', series: slowCalls(0.02), at: '20m' }],
      },
    }),
    alert({
      name: 'AidbDependencyPostgresPoolExhausted',
      expr: gt(max(['job', 'instance'], s.gauge(postgresPoolConnections, { state: 'waiting' })), 0),
      for: '5m',
      severity: 'warning',
      // The pool belongs to PostgreSQL: the label lets its down alert inhibit this one.
      labels: { dependency: 'postgres' },
      summary: tpl`Callers wait for PostgreSQL connections on ${label('instance')}`,
      description: tpl`Callers on ${label('instance')} have been queuing for a PostgreSQL pool connection for 5 minutes: the pool is exhausted.`,
      dashboard: 'dependencies',
      runbook: {
        meaning:
          'Every pool connection is in use and requests queue for one, which adds latency and can time requests out.',
        causes: [
          'More concurrent work than `database.poolMax` connections; slow queries holding connections.',
        ],
        dependencies: ['postgres'],
        firstQueries: [
          {
            title: 'Pool connections by state',
            expr: max(['job', 'instance', 'state'], s.gauge(postgresPoolConnections)),
          },
        ],
        mitigation: [
          'Raise `AIDB_DATABASE_POOL_MAX` if PostgreSQL has connections to spare, or add service instances.',
          'Look for slow statements in PostgreSQL (`pg_stat_activity`).',
        ],
      },
      tests: {
        firing: [
          {
            name: 'callers waiting for five minutes fire',
            series: [waiting('0x4 3x20')],
            onset: '5m',
            at: '10m',
            labels: targetLabels(target),
          },
        ],
        silent: [
          {
            name: 'nobody waiting stays silent',
            series: [waiting(steady(0, 20))],
            at: '15m',
          },
        ],
      },
    }),
  ];

  return {
    id: 'dependencies',
    title: 'Dependencies',
    prefixes: ['AidbDependency'],
    groups: [
      {
        name: groupName('dependencies'),
        rules: [...dependencyNames.map((name) => downAlert(name, context, symptoms)), ...symptoms],
      },
    ],
  };
}
