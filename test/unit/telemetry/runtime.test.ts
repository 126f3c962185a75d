import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runtimeMetrics } from '../../../catalog/metrics/runtime.ts';
import { createPrometheusMetrics } from '../../../lib/telemetry/prometheus.ts';
import { registerRuntimeMetrics } from '../../../lib/telemetry/runtime.ts';
import { waitFor } from '../../support/wait.ts';

function sampleOf(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}`;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('runtime metrics', () => {
  it('exports every runtime catalog entry from the process’s own counters', async () => {
    const metrics = createPrometheusMetrics({
      serviceName: 'aidb-test',
      serviceVersion: '9.9.9',
      metrics: runtimeMetrics,
      env: {},
    });
    const runtime = registerRuntimeMetrics(metrics.meter, { version: '9.9.9' });
    // A full collection now, so the GC observer has an entry to record (delivered async).
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    let text = '';
    await waitFor('the GC entry to be recorded', async () => {
      text = await metrics.render();
      return text.includes('nodejs_gc_duration_seconds_count{kind="major"');
    });
    runtime.stop();
    runtime.stop();

    for (const def of runtimeMetrics) {
      expect(text).toContain(
        `# TYPE ${def.name} ${def.kind === 'histogram' ? 'histogram' : def.kind === 'observable_counter' ? 'counter' : 'gauge'}`,
      );
    }
    const start = sampleOf(text, 'process_start_time_seconds') ?? 0;
    expect(Math.abs(start - (Date.now() - performance.now()) / 1000)).toBeLessThan(1);
    expect(sampleOf(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(sampleOf(text, 'nodejs_heap_size_bytes', 'state="limit"')).toBeGreaterThan(
      sampleOf(text, 'nodejs_heap_size_bytes', 'state="used"') ?? Infinity,
    );
    expect(sampleOf(text, 'nodejs_eventloop_delay_seconds', 'stat="max"')).toBeGreaterThanOrEqual(
      0,
    );
    expect(text).toContain(`aidb_build_info{version="9.9.9",nodejs_version="${process.version}"`);
    expect(text).toMatch(
      /^nodejs_gc_duration_seconds_count\{kind="(minor|major|incremental|weakcb)"/m,
    );
  });
});
