import {
  certificateHookRuns,
  certificateLastRenewalSuccess,
  certificateNotAfter,
  certificateRenewals,
} from '../../catalog/metrics/certificates.ts';
import { jobLastDuration, jobLastSuccess, jobRuns } from '../../catalog/metrics/jobs.ts';
import {
  agentProbeConsecutiveFailures,
  agentProbeState,
  probeDuration,
  probeHttpPhaseDuration,
  probeSslEarliestCertExpiry,
  probeSuccess,
} from '../../catalog/metrics/probes.ts';
import {
  dashboardScope,
  increase,
  max,
  min,
  rateInterval,
  selectors,
  sub,
  sum,
  time,
} from '../../lib/promql/index.ts';

const s = selectors(dashboardScope);

export const probeQueries = {
  targetsDown: sum([], sub(1, max(['target'], s.gauge(agentProbeState)))),
  success: max(['target'], s.gauge(probeSuccess)),
  state: max(['target'], s.gauge(agentProbeState)),
  duration: max(['target', 'probe'], s.gauge(probeDuration)),
  phases: max(['target', 'phase'], s.gauge(probeHttpPhaseDuration)),
  certificateLeft: sub(min(['target'], s.gauge(probeSslEarliestCertExpiry)), time()),
  failures: max(['target'], s.gauge(agentProbeConsecutiveFailures)),
  jobRuns: sum(['job_name', 'result'], increase(s.counter(jobRuns), rateInterval)),
  jobDuration: max(['job_name'], s.gauge(jobLastDuration)),
  sinceJobSuccess: sub(time(), max(['job_name'], s.gauge(jobLastSuccess))),
  managedLeft: sub(min(['domain', 'file'], s.gauge(certificateNotAfter)), time()),
  renewals: sum(['domain', 'result'], increase(s.counter(certificateRenewals), rateInterval)),
  sinceRenewal: sub(time(), max(['domain'], s.gauge(certificateLastRenewalSuccess))),
  hookRuns: sum(['domain', 'result'], increase(s.counter(certificateHookRuns), rateInterval)),
};
