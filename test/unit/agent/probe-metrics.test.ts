import { describe, expect, it } from 'vitest';
import { httpProbePhases } from '../../../catalog/labels.ts';
import {
  agentProbeConsecutiveFailures,
  agentProbeLastTransition,
  agentProbeState,
  probeDuration,
  probeHttpPhaseDuration,
  probeHttpStatusCode,
  probeMetrics,
  probeRedisMemory,
  probeSuccess,
} from '../../../catalog/metrics/probes.ts';
import { gaugeFamily } from '../../../agent/exposition.ts';
import { createProbeMetrics, type ProbeCell } from '../../../agent/probe-metrics.ts';
import { kindGauges } from '../../../agent/probes/probe.ts';
import type { Target } from '../../../agent/targets.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';

const target = (name: string, probe: string, dependency: string) =>
  ({ name, probe, dependency }) as unknown as Target;

/** What the OpenTelemetry exporter writes for the same cells: the agent's former path. */
async function throughOpenTelemetry(cells: readonly ProbeCell[]): Promise<string> {
  const telemetry = createPrometheusMetrics({
    serviceName: 'test',
    serviceVersion: '0',
    metrics: probeMetrics,
    env: {},
  });
  const { meter } = telemetry;
  const labelsOf = ({ target: t }: ProbeCell) =>
    ({ target: t.name, probe: t.probe, dependency: t.dependency }) as never;
  meter.observableGauge(probeSuccess, (report) => {
    for (const c of cells) if (c.last) report(c.last.success ? 1 : 0, labelsOf(c));
  });
  meter.observableGauge(probeDuration, (report) => {
    for (const c of cells) if (c.last) report(c.last.durationSeconds, labelsOf(c));
  });
  meter.observableGauge(agentProbeState, (report) => {
    for (const c of cells)
      if (c.thresholds.state !== 'unknown')
        report(c.thresholds.state === 'up' ? 1 : 0, labelsOf(c));
  });
  meter.observableGauge(agentProbeConsecutiveFailures, (report) => {
    for (const c of cells) report(c.thresholds.consecutiveFailures, labelsOf(c));
  });
  meter.observableGauge(agentProbeLastTransition, (report) => {
    for (const c of cells)
      if (c.thresholds.lastTransitionMs !== undefined)
        report(c.thresholds.lastTransitionMs / 1000, labelsOf(c));
  });
  meter.observableGauge(probeHttpPhaseDuration, (report) => {
    for (const c of cells)
      for (const [phase, seconds] of c.phases) report(seconds, { target: c.target.name, phase });
  });
  for (const def of kindGauges) {
    meter.observableGauge(def, (report) => {
      for (const c of cells) {
        const value = c.kinds.get(def);
        if (value !== undefined) report(value, { target: c.target.name });
      }
    });
  }
  const text = await telemetry.render();
  await telemetry.shutdown();
  // Everything but the resource's target_info family.
  return text.slice(text.indexOf('# HELP probe_'));
}

describe('the probe series, written without the OpenTelemetry SDK', () => {
  it('are byte for byte what the OpenTelemetry exporter wrote for the same values', async () => {
    const metrics = createProbeMetrics();
    const web = metrics.add(target('web', 'http', 'service'));
    const cache = metrics.add(target('cache', 'redis', 'redis'));
    const notYet = metrics.add(target('not-yet', 'tcp', 'none'));
    web.last = { success: true, startedAtMs: 1, durationSeconds: 0.001113254000001689 };
    web.thresholds = {
      state: 'up',
      consecutiveFailures: 0,
      consecutiveSuccesses: 3,
      lastTransitionMs: 1796581923016,
    };
    web.recorder.set(probeHttpStatusCode, 200);
    web.recorder.phase('connect', 0.00007795600000099512);
    cache.last = { success: false, startedAtMs: 1, durationSeconds: 1e-7 };
    cache.thresholds = {
      state: 'down',
      consecutiveFailures: 4,
      consecutiveSuccesses: 0,
      lastTransitionMs: 5,
    };
    cache.recorder.set(probeRedisMemory, 123456789012);
    const expected = await throughOpenTelemetry([web, cache, notYet]);
    expect(metrics.render()).toBe(expected);
    // Every HTTP phase is there from the start, and a family without samples is left out.
    expect(metrics.render().match(/^probe_http_duration_seconds\{target="web"/gm)).toHaveLength(
      httpProbePhases.length,
    );
    expect(metrics.render()).not.toContain('probe_ssl_earliest_cert_expiry');
  });

  it('escape label values and help text as the text format requires', () => {
    expect(
      gaugeFamily(probeSuccess, [
        [
          [
            ['target', 'a"b\\c\nd'],
            ['probe', 'http'],
          ],
          Infinity,
        ],
      ]),
    ).toBe(
      `# HELP probe_success ${probeSuccess.help}\n# UNIT probe_success 1\n# TYPE probe_success gauge\nprobe_success{target="a\\"b\\\\c\\nd",probe="http"} +Inf\n`,
    );
    expect(gaugeFamily(probeSuccess, [])).toBe('');
  });
});
