import type { Component, DependencyName } from '../catalog/dependencies.ts';
import type { Duration, Expr, SeriesDef } from '../lib/promql/index.ts';
import type { DashboardId } from '../config/generation.ts';
import type { Template } from './template.ts';

/** critical pages someone now; warning opens a ticket; info is for dashboards and inhibition. */
export const severities = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

/** One input series of a promtool test, in promtool's expanding notation (`0+60x30`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface Scenario {
  /** Sentence naming the situation ("PostgreSQL reports down for ten minutes"). */
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** When to evaluate, counted from the first sample. */
  readonly at: Duration;
}

export interface FiringScenario extends Scenario {
  /** Values of the alert's result labels (the expression's allow-list), for the expected alert. */
  readonly labels: Readonly<Record<string, string>>;
  /** First evaluation at which the expression holds; with `for`, the boundary cases derive from it. */
  readonly onset?: Duration;
}

export interface AlertTests {
  /** Sample interval; defaults to 1m. */
  readonly interval?: Duration;
  /**
   * Rule evaluation interval; defaults to 1m. Tests that look days ahead use hours, or promtool
   * evaluates every rule of the file once a minute for days.
   */
  readonly evaluation?: Duration;
  readonly firing: readonly FiringScenario[];
  /** Situations that must not alert (healthy values, noise, near misses, low traffic). */
  readonly silent: readonly Scenario[];
  /** True for alerts that fire on missing data (absent(), Watchdog), so no "no data" silent case. */
  readonly firesWithoutData?: boolean;
}

export interface RunbookQuery {
  readonly title: string;
  readonly expr: Expr;
}

export interface RunbookSpec {
  readonly meaning: string;
  readonly causes: readonly string[];
  /** Dependencies whose failure can cause it; their catalog entries become likely causes. */
  readonly dependencies?: readonly DependencyName[];
  /** aidb components whose absence can cause it; their edges in the catalog become likely causes. */
  readonly components?: readonly Component[];
  readonly firstQueries: readonly RunbookQuery[];
  readonly mitigation: readonly string[];
}

/** Alert names: CamelCase, `Aidb` and the family's component first (`AidbBackupStale`). */
export type AlertName = `Aidb${string}`;

/** Alerts one alert makes redundant while it fires, for Alertmanager to inhibit. */
export interface InhibitionSpec {
  /** The alerts it silences; each only where it matches on every label all of them carry. */
  readonly alerts: readonly AlertSpec[];
  /** Only the alerts about this dependency (a dependency's down alert and its symptoms). */
  readonly dependency?: DependencyName;
  /** Why the source explains them, for the runbooks. */
  readonly why: string;
}

export interface AlertSpec {
  readonly kind: 'alert';
  readonly name: AlertName;
  readonly expr: Expr<'aggregated'>;
  readonly for?: Duration;
  readonly keepFiringFor?: Duration;
  readonly severity: Severity;
  /** Static labels beyond severity (an SLO alert's burn rate and budget consumed). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly summary: Template;
  readonly description: Template;
  readonly dashboard: DashboardId;
  readonly runbook: RunbookSpec;
  readonly tests: AlertTests;
  readonly inhibits?: InhibitionSpec;
}

export interface RecordingTest {
  readonly name: string;
  readonly interval?: Duration;
  readonly series: readonly InputSeries[];
  readonly at: Duration;
  /** The recorded series expected at `at`: its labels (job included) and exact value. */
  readonly samples: readonly {
    readonly labels: Readonly<Record<string, string>> & { readonly job: string };
    readonly value: `${number}`;
  }[];
}

/** A series a recording rule writes; its name comes from `conventions.ts`. */
export type RecordedDef = SeriesDef & { readonly recorded: true };

export interface RecordingSpec {
  readonly kind: 'record';
  readonly series: RecordedDef;
  readonly expr: Expr<'aggregated'>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly test: RecordingTest;
}

export type RuleSpec = AlertSpec | RecordingSpec;

export interface GroupSpec {
  readonly name: string;
  readonly interval?: Duration;
  readonly rules: readonly RuleSpec[];
}

export const familyIds = [
  'service',
  'slos',
  'dependencies',
  'protection',
  'probes',
  'backups',
  'certificates',
  'meta',
] as const;
export type FamilyId = (typeof familyIds)[number];

export interface FamilySpec<Id extends FamilyId = FamilyId> {
  readonly id: Id;
  readonly title: string;
  /** Alert names start with one of these (`AidbBackup…`). */
  readonly prefixes: readonly AlertName[];
  readonly groups: readonly GroupSpec[];
  /** Why no alert of the family may ever be inhibited; absent, its alerts may be. */
  readonly neverInhibited?: string;
}
