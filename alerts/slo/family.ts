import { allSlos, type SloDef } from '../../catalog/slos.ts';
import {
  and,
  div,
  durationSeconds,
  formatDuration,
  gt,
  gte,
  jobScope,
  mul,
  selectors,
  type Duration,
} from '../../lib/promql/index.ts';
import { camelCase, groupName } from '../conventions.ts';
import type { AlertSpec, FamilySpec, Scenario } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { floor, mul as times, rational, sub, toDecimal, div as over } from './decimal.ts';
import { sloModel, type BurnAlertModel, type SloModel } from './model.ts';
import { sliInput, sloErrorsSeries, sloRecordings, sloRequestsSeries } from './recordings.ts';

// Requests per sample interval in the alert tests: enough that every threshold is a whole
// number of thousandths.
const traffic = 1000;

function burnAlert(model: SloModel, alert: BurnAlertModel, serviceJob: string): AlertSpec {
  const { slo } = model;
  const { window, threshold, minEvents, budgetConsumedPercent } = alert;
  const s = selectors(jobScope(serviceJob));
  const only = { slo: slo.name };
  const errorRatio = (w: Duration) =>
    div(s.recorded(sloErrorsSeries(w), only), s.recorded(sloRequestsSeries(w), only));
  const enoughTraffic = gte(
    mul(s.recorded(sloRequestsSeries(window.long), only), durationSeconds(window.long)),
    minEvents,
  );
  const expr = and(
    and(gt(errorRatio(window.long), threshold), gt(errorRatio(window.short), threshold)),
    enoughTraffic,
  );
  // Samples as often as rules are evaluated: between sparser samples rate() extrapolates, and
  // the exact evaluation at which the traffic guard passes would depend on it.
  const interval: Duration = '1m';
  const step = durationSeconds(interval);
  // Counters start at zero, so rate() does not extrapolate before the first sample: the guard
  // passes once the samples so far hold at least minEvents requests.
  const onset = step * Math.max(1, Math.ceil(minEvents / traffic));
  const at = onset + durationSeconds(window.for);
  const count = at / step + 5;
  const target = { job: serviceJob, instance: 'aidb-0:8091' };
  const mix = (badShare: ReturnType<typeof rational>) => {
    const bad = times(badShare, rational(traffic));
    return {
      good: Number(toDecimal(sub(rational(traffic), bad))),
      bad: Number(toDecimal(bad)),
      count,
    };
  };
  // A tenth of the guard spread over the long window: all requests fail, yet too few to page.
  const sparse = over(rational(minEvents * step), rational(durationSeconds(window.long) * 2));
  const lowTraffic = Number(
    toDecimal(over(rational(floor(times(sparse, rational(100)))), rational(100))),
  );
  const silent: Scenario[] = [
    {
      name: `an error ratio of nine tenths of the ${threshold} threshold stays silent`,
      series: sliInput(slo, target, mix(times(rational('0.9'), rational(threshold)))),
      at: formatDuration(at),
    },
    {
      name: `every request failing but fewer than ${String(minEvents)} per ${window.long} stays silent`,
      series: sliInput(slo, target, { good: 0, bad: lowTraffic, count }),
      at: formatDuration(at),
    },
  ];
  const speed = camelCase(window.id);
  return {
    kind: 'alert',
    name: `AidbSlo${camelCase(slo.name)}BurnRate${speed}`,
    expr,
    for: window.for,
    severity: window.severity,
    labels: {
      burn_rate: window.factor,
      long_window: window.long,
      short_window: window.short,
      budget_consumed: `${budgetConsumedPercent}%`,
    },
    summary: tpl`${slo.title} error budget burning ${window.factor}× too fast on ${label('job')}`,
    description: tpl`The ${label('slo')} error ratio of ${label('job')} is above ${threshold} (${window.factor}× the budget of ${model.budget}) over both ${window.long} and ${window.short}; ${budgetConsumedPercent}% of the ${String(slo.windowDays)}-day error budget is spent when this fires.`,
    dashboard: 'service-overview',
    runbook: {
      meaning: `${slo.description} The objective is ${slo.objective}% over ${String(slo.windowDays)} days, an error budget of ${model.budget}. Burning at ${window.factor}× for ${window.long} spends ${budgetConsumedPercent}% of that budget; the ${window.short} window confirms the burn is still going on. It needs at least ${String(minEvents)} requests in ${window.long}, so a single failed request cannot fire it.`,
      causes: [
        slo.sli.kind === 'availability'
          ? 'Requests answered with 5xx: a critical dependency failing, an open circuit breaker, or a bug on one route.'
          : 'Search slower than the bound: a slow vector index, an overloaded PostgreSQL or embeddings server, or a cold cache.',
      ],
      dependencies: ['postgres', 'qdrant', 'embeddings'],
      firstQueries: [
        { title: `Error ratio over ${window.long}`, expr: errorRatio(window.long) },
        { title: `Error ratio over ${window.short}`, expr: errorRatio(window.short) },
      ],
      mitigation: [
        'Open the dashboard and find the routes and status codes behind the errors.',
        'Check the dependencies dashboard; if a dependency is down, follow its runbook section first.',
        'Run `aidb agent status` to see which probe targets are down from the agent’s side.',
        'Roll back a recent deploy if the burn started with it (see the deploy annotations).',
      ],
    },
    tests: {
      interval,
      firing: [
        {
          name: `an error ratio of twice the ${threshold} threshold in both windows fires after ${window.for}`,
          series: sliInput(slo, target, mix(times(rational(2), rational(threshold)))),
          at: formatDuration(at),
          onset: formatDuration(onset),
          labels: { job: serviceJob, slo: slo.name },
        },
      ],
      silent,
    },
  };
}

function sloGroup(slo: SloDef, serviceJob: string) {
  const model = sloModel(slo);
  return {
    name: groupName('slos', slo.name),
    // Recording rules come first: later rules of a group see this evaluation's results.
    rules: [
      ...model.windows.flatMap((window) => sloRecordings(slo, window, serviceJob)),
      ...model.alerts.map((alert) => burnAlert(model, alert, serviceJob)),
    ],
  };
}

export function sloFamily(
  context: GenerationContext,
  slos: readonly SloDef[] = allSlos,
): FamilySpec<'slos'> {
  return {
    id: 'slos',
    title: 'Service level objectives',
    prefixes: ['AidbSlo'],
    neverInhibited: 'an SLO page stands whatever its cause.',
    groups: slos.map((slo) => sloGroup(slo, context.serviceJob)),
  };
}
