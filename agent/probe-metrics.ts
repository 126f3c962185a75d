import { httpProbePhases, type HttpProbePhase } from '../catalog/labels.ts';
import {
  agentProbeConsecutiveFailures,
  agentProbeLastTransition,
  agentProbeState,
  probeDuration,
  probeHttpPhaseDuration,
  probeSuccess,
} from '../catalog/metrics/probes.ts';
import { gaugeFamily, type Sample } from './exposition.ts';
import { kindGauges, type KindGauge, type ProbeRecorder } from './probes/probe.ts';
import type { ProbeOutcome } from './run-probe.ts';
import type { Target } from './targets.ts';
import { initialThresholdState, type ThresholdState } from './thresholds.ts';

/** The last values of one target, read when `/metrics` is scraped. */
export interface ProbeCell {
  readonly target: Target;
  /** Undefined until the first probe has finished. */
  last: ProbeOutcome | undefined;
  thresholds: ThresholdState;
  /** The probe's own `probe_<kind>_*` values and HTTP phases, written through `recorder`. */
  readonly kinds: Map<KindGauge, number>;
  readonly phases: Map<HttpProbePhase, number>;
  readonly recorder: ProbeRecorder;
}

export interface ProbeMetrics {
  /** Adds a target's series; HTTP phases exist from here on, before the first probe. */
  add(target: Target): ProbeCell;
  /** The probe series in the Prometheus text format, appended to the rest of `/metrics`. */
  render(): string;
}

type Labels = Sample[0];

/**
 * The probe series of the agent, written straight from plain per-target values when `/metrics`
 * is scraped: a probe costs a few field writes, and a scrape builds one string instead of the
 * OpenTelemetry SDK's per-series objects (at 1,000 targets those added ~12 MB to the peak RSS).
 * The names, help and units come from the catalog entries as for every other metric.
 */
export function createProbeMetrics(): ProbeMetrics {
  const cells: (ProbeCell & { readonly labels: Labels; readonly targetOnly: Labels })[] = [];
  function* each(pick: (cell: (typeof cells)[number]) => Sample | undefined): Iterable<Sample> {
    for (const cell of cells) {
      const sample = pick(cell);
      if (sample !== undefined) yield sample;
    }
  }

  return {
    add(target) {
      const kinds = new Map<KindGauge, number>();
      // blackbox_exporter creates every phase up front, so none is missing after an early failure.
      const phases = new Map<HttpProbePhase, number>(
        target.probe === 'http' ? httpProbePhases.map((phase) => [phase, 0]) : [],
      );
      const cell = {
        target,
        labels: [
          ['target', target.name],
          ['probe', target.probe],
          ['dependency', target.dependency],
        ] as const,
        targetOnly: [['target', target.name]] as const,
        last: undefined,
        thresholds: initialThresholdState,
        kinds,
        phases,
        recorder: {
          set(def: KindGauge, value: number) {
            kinds.set(def, value);
          },
          phase(phase: HttpProbePhase, seconds: number) {
            phases.set(phase, seconds);
          },
        },
      };
      cells.push(cell);
      return cell;
    },
    render() {
      const families = [
        gaugeFamily(
          probeSuccess,
          each(({ last, labels }) => (last ? [labels, last.success ? 1 : 0] : undefined)),
        ),
        gaugeFamily(
          probeDuration,
          each(({ last, labels }) => (last ? [labels, last.durationSeconds] : undefined)),
        ),
        gaugeFamily(
          agentProbeState,
          each(({ thresholds, labels }) =>
            thresholds.state === 'unknown'
              ? undefined
              : [labels, thresholds.state === 'up' ? 1 : 0],
          ),
        ),
        gaugeFamily(
          agentProbeConsecutiveFailures,
          each(({ thresholds, labels }) => [labels, thresholds.consecutiveFailures]),
        ),
        gaugeFamily(
          agentProbeLastTransition,
          each(({ thresholds, labels }) =>
            thresholds.lastTransitionMs === undefined
              ? undefined
              : [labels, thresholds.lastTransitionMs / 1000],
          ),
        ),
        gaugeFamily(probeHttpPhaseDuration, phaseSamples(cells)),
        ...kindGauges.map((def) =>
          gaugeFamily(
            def,
            each(({ kinds, targetOnly }) => {
              const value = kinds.get(def);
              return value === undefined ? undefined : [targetOnly, value];
            }),
          ),
        ),
      ];
      return families.join('');
    },
  };
}

function* phaseSamples(cells: readonly ProbeCell[]): Iterable<Sample> {
  for (const cell of cells) {
    for (const [phase, seconds] of cell.phases)
      yield [
        [
          ['target', cell.target.name],
          ['phase', phase],
        ],
        seconds,
      ];
  }
}
