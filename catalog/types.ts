/**
 * The shape of the contract between what aidb emits and what its dashboards and alerts read.
 * Names here are the names Prometheus stores, so a query can be checked against them directly.
 */

/** OpenTelemetry instrument kinds the catalog may declare. */
export const instrumentKinds = [
  'counter',
  'updown_counter',
  'gauge',
  'histogram',
  'observable_counter',
  'observable_gauge',
] as const;
export type InstrumentKind = (typeof instrumentKinds)[number];

/** What each instrument kind becomes in the Prometheus exposition format. */
export const prometheusTypeOf = {
  counter: 'counter',
  observable_counter: 'counter',
  updown_counter: 'gauge',
  gauge: 'gauge',
  observable_gauge: 'gauge',
  histogram: 'histogram',
} as const satisfies Record<InstrumentKind, 'counter' | 'gauge' | 'histogram'>;

/**
 * Units in Prometheus base units. The exporter adds no unit suffix, so each unit fixes the
 * suffix the metric name must already carry.
 */
export const units = {
  seconds: { ucum: 's', suffix: '_seconds' },
  bytes: { ucum: 'By', suffix: '_bytes' },
  /** Seconds since the Unix epoch (`process_start_time_seconds`, `…_timestamp_seconds`). */
  timestamp: { ucum: 's', suffix: '_seconds' },
  ratio: { ucum: '1', suffix: '_ratio' },
  /** A plain number of things, or a 0/1 state; carries no unit suffix. */
  count: { ucum: '1', suffix: '' },
  /** A constant-1 series whose labels carry the information. */
  info: { ucum: '1', suffix: '_info' },
} as const;
export type Unit = keyof typeof units;

export const emitters = ['service', 'agent'] as const;
export type Emitter = (typeof emitters)[number];

/**
 * The monitoring stack itself: Prometheus and Alertmanager export series of their own that the
 * meta alerts and dashboard annotations read (`catalog/metrics/monitoring.ts`). aidb never
 * creates instruments for them.
 */
export const monitoringEmitters = ['prometheus', 'alertmanager'] as const;
export type MonitoringEmitter = (typeof monitoringEmitters)[number];

/**
 * Why a label's values form a small set even though they are not listed: the list lives
 * elsewhere (route table, configuration) but is still fixed for the life of the process.
 */
export const boundedBy = {
  routeTemplate: 'route template of the HTTP API',
  httpStatusCode: 'HTTP status codes the service sends',
  configuredTarget: 'probe targets in the agent configuration',
  configuredBackup: 'backup targets in the configuration',
  configuredCopy: 'backup copies in the configuration (backups.copies)',
  configuredCertificate: 'certificates in the configuration',
  buildVersion: 'the one version of the running build',
  monitoringConfig: 'rule groups, Alertmanagers and integrations of the monitoring configuration',
  alertRules: 'alert names of the generated rules',
  resourceAttributes: 'resource attributes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES',
} as const;
export type BoundedBy = keyof typeof boundedBy;

export type LabelSpec = { readonly values: readonly string[] } | { readonly boundedBy: BoundedBy };

export type LabelSpecs = { readonly [label: string]: LabelSpec };

export interface MetricDef<
  Name extends string = string,
  Labels extends LabelSpecs = LabelSpecs,
  Kind extends InstrumentKind = InstrumentKind,
> {
  /** Exported Prometheus name, suffixes included (`…_seconds`, `…_total`). */
  readonly name: Name;
  readonly kind: Kind;
  readonly unit: Unit;
  readonly help: string;
  readonly labels: Labels;
  /** Processes that export it; runtime metrics come from both. */
  readonly emitters: readonly (Emitter | MonitoringEmitter)[];
  /** Histogram bucket upper bounds, in the metric's unit; required for histograms. */
  readonly buckets?: readonly number[];
  /**
   * Why the name keeps a form the naming rules would reject: a name existing dashboards and
   * queries already use (blackbox_exporter, the original service). Exempts the unit suffix only.
   */
  readonly compatibility?: string;
  /**
   * Written by the Prometheus exporter from the OpenTelemetry resource (`target_info`), not by an
   * instrument: declared so that scrapes can be checked against the catalog, never created.
   */
  readonly fromResource?: true;
  /**
   * Why no generated dashboard panel or alert reads it (a test lists these): detail for ad-hoc
   * queries, a name kept for compatibility… A metric nobody reads must say why it is kept.
   */
  readonly unconsumed?: string;
}

/**
 * Declares a metric, keeping its name, kind, label names and label values as literal types, so
 * recordings and queries are checked by the compiler.
 */
export function defineMetric<
  const Name extends string,
  const Kind extends InstrumentKind,
  const Labels extends LabelSpecs,
>(def: MetricDef<Name, Labels, Kind>): MetricDef<Name, Labels, Kind> {
  return def;
}

/** Label names of a metric definition, as a union type. */
export type LabelOf<M> = M extends MetricDef<string, infer L> ? keyof L & string : never;

/** The values a label may take: its closed set, or any string when bounded elsewhere. */
export type LabelValueOf<S> = S extends { readonly values: readonly (infer V)[] } ? V : string;
