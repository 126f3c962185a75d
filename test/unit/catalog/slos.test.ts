import { describe, expect, it } from 'vitest';
import { httpServerRequestDuration } from '../../../catalog/metrics/http.ts';
import { allSlos, searchLatency, sloProblems, type SloDef } from '../../../catalog/slos.ts';

function latencySlo(thresholdSeconds: number): SloDef {
  return {
    ...searchLatency,
    sli: { kind: 'latency', metric: httpServerRequestDuration, routes: ['/x'], thresholdSeconds },
  };
}

describe('sloProblems', () => {
  it('accepts the real SLOs', () => {
    expect(sloProblems(allSlos)).toEqual([]);
  });

  it('a latency bound the histogram does not declare should fail.', () => {
    expect(sloProblems([latencySlo(0.3)])).toEqual([
      'search_latency: 0.3 s is not a bucket bound of http_server_request_duration_seconds',
    ]);
  });

  it('an objective of 100 % should fail.', () => {
    expect(sloProblems([{ ...searchLatency, objective: '100' }])).toEqual([
      'search_latency: objective must be a decimal percentage between 0 and 100',
    ]);
  });

  it('an objective that is not a plain decimal should fail.', () => {
    expect(sloProblems([{ ...searchLatency, objective: '9.9e1' }])).toEqual([
      'search_latency: objective must be a decimal percentage between 0 and 100',
    ]);
  });

  it('a duplicate SLO name should fail.', () => {
    expect(sloProblems([searchLatency, searchLatency])).toEqual([
      'search_latency: declared more than once',
    ]);
  });
});
