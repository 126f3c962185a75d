import { httpServerRequestDuration } from './metrics/http.ts';
import type { LabelSpec, MetricDef } from './types.ts';

/**
 * A service level objective over one histogram of the catalog. `objective` is a decimal string
 * ("99.9") so budgets and burn-rate thresholds are computed exactly, without float artefacts.
 */
export interface SloDef {
  /** snake_case identifier, used in recording-rule and alert names. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly objective: string;
  /** Compliance window in days; the SRE workbook's burn-rate windows scale from 30 days. */
  readonly windowDays: number;
  readonly sli: AvailabilitySli | LatencySli;
}

/** Good = requests whose status code is not an error; 4xx are the client's fault and excluded. */
export interface AvailabilitySli {
  readonly kind: 'availability';
  readonly metric: MetricDef<
    string,
    { readonly http_response_status_code: LabelSpec },
    'histogram'
  >;
  /** Status codes counted as errors (regex over the status label). */
  readonly errorStatus: string;
  /** Status codes left out of the total altogether. */
  readonly excludedStatus: string;
}

/** Good = requests faster than a bucket bound the histogram declares. */
export interface LatencySli {
  readonly kind: 'latency';
  readonly metric: MetricDef<string, { readonly http_route: LabelSpec }, 'histogram'>;
  readonly routes: readonly string[];
  /** Must be one of the histogram's bucket bounds, so the SLI reads an exact `le` bucket. */
  readonly thresholdSeconds: number;
}

export const apiAvailability: SloDef = {
  name: 'api_availability',
  title: 'API availability',
  description: 'Share of API requests answered without a server error (5xx); 4xx and 429 excluded.',
  objective: '99.9',
  windowDays: 30,
  sli: {
    kind: 'availability',
    metric: httpServerRequestDuration,
    errorStatus: '5..',
    excludedStatus: '4..',
  },
};

export const searchLatency: SloDef = {
  name: 'search_latency',
  title: 'Search latency',
  description: 'Share of search requests answered within 250 ms.',
  objective: '99',
  windowDays: 30,
  sli: {
    kind: 'latency',
    metric: httpServerRequestDuration,
    routes: ['/v1/collections/:name/search'],
    thresholdSeconds: 0.25,
  },
};

export const allSlos: readonly SloDef[] = [apiAvailability, searchLatency];

/** Problems with SLO definitions: bad objectives or latency bounds the histogram lacks. */
export function sloProblems(slos: readonly SloDef[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const slo of slos) {
    if (names.has(slo.name)) problems.push(`${slo.name}: declared more than once`);
    names.add(slo.name);
    if (!/^[a-z][a-z0-9_]*$/.test(slo.name)) problems.push(`${slo.name}: name must be snake_case`);
    const objective = Number(slo.objective);
    if (!/^\d{1,2}(\.\d+)?$/.test(slo.objective) || objective <= 0 || objective >= 100) {
      problems.push(`${slo.name}: objective must be a decimal percentage between 0 and 100`);
    }
    if (
      slo.sli.kind === 'latency' &&
      !(slo.sli.metric.buckets ?? []).includes(slo.sli.thresholdSeconds)
    ) {
      problems.push(
        `${slo.name}: ${slo.sli.thresholdSeconds} s is not a bucket bound of ${slo.sli.metric.name}`,
      );
    }
  }
  return problems;
}
