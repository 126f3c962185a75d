import { httpProbePhases, type HttpProbePhase } from '../catalog/labels.ts';
import {
  agentProbeConsecutiveFailures,
  agentProbeLastTransition,
  agentProbeState,
  probeDuration,
  probeHttpPhaseDuration,
  probeSuccess,
} from '../catalog/metrics/probes.ts';
import type { CatalogMeter } from '../lib/telemetry/catalog-meter.ts';
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
}

/**
 * The probe instruments of the agent. They are observable gauges over plain per-target
 * values: a probe costs a few field writes, and the OTel work happens once per scrape
 * instead of once per probe (200 targets at 1 s would otherwise record ~2,000 values a second).
 */
export function createProbeMetrics(meter: CatalogMeter): ProbeMetrics {
  const cells: ProbeCell[] = [];
  const labelsOf = (target: Target) =>
    ({ target: target.name, probe: target.probe, dependency: target.dependency }) as const;

  meter.observableGauge(probeSuccess, (report) => {
    for (const { target, last } of cells) if (last) report(last.success ? 1 : 0, labelsOf(target));
  });
  meter.observableGauge(probeDuration, (report) => {
    for (const { target, last } of cells) if (last) report(last.durationSeconds, labelsOf(target));
  });
  meter.observableGauge(agentProbeState, (report) => {
    for (const { target, thresholds } of cells) {
      if (thresholds.state !== 'unknown')
        report(thresholds.state === 'up' ? 1 : 0, labelsOf(target));
    }
  });
  meter.observableGauge(agentProbeConsecutiveFailures, (report) => {
    for (const { target, thresholds } of cells)
      report(thresholds.consecutiveFailures, labelsOf(target));
  });
  meter.observableGauge(agentProbeLastTransition, (report) => {
    for (const { target, thresholds } of cells) {
      if (thresholds.lastTransitionMs !== undefined)
        report(thresholds.lastTransitionMs / 1000, labelsOf(target));
    }
  });
  meter.observableGauge(probeHttpPhaseDuration, (report) => {
    for (const cell of cells) {
      for (const [phase, seconds] of cell.phases)
        report(seconds, { target: cell.target.name, phase });
    }
  });
  for (const def of kindGauges) {
    meter.observableGauge(def, (report) => {
      for (const cell of cells) {
        const value = cell.kinds.get(def);
        if (value !== undefined) report(value, { target: cell.target.name });
      }
    });
  }

  return {
    add(target) {
      const kinds = new Map<KindGauge, number>();
      // blackbox_exporter creates every phase up front, so none is missing after an early failure.
      const phases = new Map<HttpProbePhase, number>(
        target.probe === 'http' ? httpProbePhases.map((phase) => [phase, 0]) : [],
      );
      const cell: ProbeCell = {
        target,
        last: undefined,
        thresholds: initialThresholdState,
        kinds,
        phases,
        recorder: {
          set(def, value) {
            kinds.set(def, value);
          },
          phase(phase, seconds) {
            phases.set(phase, seconds);
          },
        },
      };
      cells.push(cell);
      return cell;
    },
  };
}
