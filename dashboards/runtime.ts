import { buildInfo } from '../catalog/metrics/runtime.ts';
import { q, stat, timeseries } from './factories.ts';
import { runtimeQueries as Q } from './queries/runtime.ts';
import type { DashboardSpec } from './spec.ts';

export function runtimeDashboard(): DashboardSpec<'runtime'> {
  return {
    id: 'runtime',
    description:
      'Node.js runtime of the service and the agent: event loop, memory, garbage collection, CPU, restarts.',
    tags: ['runtime'],
    jobsFrom: buildInfo,
    rows: [
      {
        title: 'Processes',
        panels: [
          stat(
            {
              title: 'Restarts in range',
              question: 'Did the service or the agent restart in this time range?',
              description:
                'Process start-time changes within the dashboard’s time range, per process.',
            },
            [q(Q.restarts, '{{job}} {{instance}}')],
            {
              unit: 'short',
              width: 12,
              thresholds: [
                { value: 1, color: 'orange' },
                { value: 3, color: 'red' },
              ],
            },
          ),
          stat(
            {
              title: 'Uptime',
              question: 'How long has each process been running?',
              description: 'Time since each process started.',
            },
            [q(Q.uptime, '{{job}} {{instance}}')],
            { width: 12, base: 'blue' },
          ),
        ],
      },
      {
        title: 'Event loop and CPU',
        panels: [
          timeseries(
            {
              title: 'Event-loop delay',
              question: 'Is the event loop blocked?',
              description:
                'p99 and maximum event-loop delay per process; above 0.5 s the stall alert fires.',
            },
            [q(Q.eventLoop, '{{job}} {{instance}} {{stat}}')],
            { min: 0, thresholds: [{ value: 0.5, color: 'red' }] },
          ),
          timeseries(
            {
              title: 'CPU',
              question: 'How much CPU does each process use?',
              description: 'CPU time per second (1 = one full core), user and system.',
            },
            [q(Q.cpu, '{{job}} {{instance}}')],
            { min: 0 },
          ),
        ],
      },
      {
        title: 'Memory and garbage collection',
        panels: [
          timeseries(
            {
              title: 'Heap',
              question: 'Is the heap approaching its limit?',
              description: 'V8 heap used, allocated, and its limit, per process.',
            },
            [q(Q.heap, '{{job}} {{instance}} {{state}}')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Resident memory',
              question: 'How much memory does each process hold?',
              description: 'Resident set size per process.',
            },
            [q(Q.memory, '{{job}} {{instance}}')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'GC pauses (p99)',
              question: 'Are garbage-collection pauses long?',
              description: 'p99 of V8 garbage-collection pauses per process and kind.',
            },
            [q(Q.gcPause, '{{job}} {{instance}} {{kind}}')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'Time in GC',
              question: 'What share of time goes to garbage collection?',
              description: 'Seconds spent in GC pauses per second, per process.',
            },
            [q(Q.gcTime, '{{job}} {{instance}}')],
            { width: 24, height: 6, min: 0 },
          ),
        ],
      },
    ],
  };
}
