import { certificateExpiryDays } from '../catalog/certificate-expiry.ts';
import { agentProbeState } from '../catalog/metrics/probes.ts';
import { bargauge, q, stat, stateTimeline, timeseries } from './factories.ts';
import { probeQueries as Q } from './queries/agent-probes.ts';
import type { DashboardSpec, PanelSpec, QuerySpec } from './spec.ts';

const day = 86_400;
const { warning, critical } = certificateExpiryDays;
const colours = `orange under ${String(warning)} days, red under ${String(critical)}`;

/** Time left per certificate, coloured by the thresholds of the expiry alerts. */
function certificateTimeLeft(
  text: Pick<PanelSpec, 'title' | 'question' | 'description'>,
  query: QuerySpec,
  emptyByDesign: string,
): PanelSpec {
  return bargauge(text, [query], {
    width: 8,
    base: 'red',
    thresholds: [
      { value: critical * day, color: 'orange' },
      { value: warning * day, color: 'green' },
    ],
    emptyByDesign,
  });
}

export function agentProbesDashboard(): DashboardSpec<'agent-probes'> {
  return {
    id: 'agent-probes',
    description:
      'The agent’s outside view: probe results per target, durations by phase, certificate expiry, scheduled jobs.',
    tags: ['agent', 'probes'],
    jobsFrom: agentProbeState,
    rows: [
      {
        title: 'Targets',
        panels: [
          stat(
            {
              title: 'Targets down now',
              question: 'Is anything down right now?',
              description: 'Targets whose state, after failure thresholds, is down.',
            },
            [q(Q.targetsDown, 'down')],
            { unit: 'short', width: 4, height: 8, thresholds: [{ value: 1, color: 'red' }] },
          ),
          stateTimeline(
            {
              title: 'Probe success by target',
              question: 'Which probes failed, and when?',
              description: 'Result of each probe run per target: up when it succeeded.',
            },
            [q(Q.success, '{{target}}')],
            { unit: 'short', width: 10 },
          ),
          stateTimeline(
            {
              title: 'Target state after thresholds',
              question: 'Which targets count as down once thresholds are applied?',
              description: 'Target state after failureThreshold/successThreshold: what alerts use.',
            },
            [q(Q.state, '{{target}}')],
            { unit: 'short', width: 10 },
          ),
        ],
      },
      {
        title: 'Probe timing and certificates',
        panels: [
          timeseries(
            {
              title: 'Probe duration',
              question: 'How long do probes take per target?',
              description: 'Duration of the last probe per target and kind.',
            },
            [q(Q.duration, '{{target}} ({{probe}})')],
            { width: 8, min: 0 },
          ),
          timeseries(
            {
              title: 'HTTP probe phases',
              question: 'Where does an HTTP probe spend its time?',
              description:
                'Duration of each phase (resolve, connect, tls, processing, transfer) of the last HTTP probe.',
            },
            [q(Q.phases, '{{target}} {{phase}}')],
            { width: 8, min: 0 },
          ),
          certificateTimeLeft(
            {
              title: 'TLS certificate time left',
              question: 'Which certificates expire soon?',
              description: `Time until the first certificate of each TLS target’s chain expires; ${colours}.`,
            },
            q(Q.certificateLeft, '{{target}}'),
            'Only TLS and HTTPS targets report a certificate; a stack probing plain HTTP has none.',
          ),
        ],
      },
      {
        title: 'Certificates',
        panels: [
          certificateTimeLeft(
            {
              title: 'Managed certificate time left',
              question: 'Which certificates on disk expire soon?',
              description: `Time until each certificate the agent watches or renews expires; ${colours}.`,
            },
            q(Q.managedLeft, '{{domain}} {{file}}'),
            'Only an agent with `agent.jobs.certificates.certificates` reports these.',
          ),
          timeseries(
            {
              title: 'ACME renewals',
              question: 'Do renewals succeed?',
              description:
                'Issuance and renewal attempts per domain and result; failures back off.',
            },
            [q(Q.renewals, '{{domain}} {{result}}')],
            {
              unit: 'short',
              width: 6,
              emptyByDesign: 'Only certificates with `renew: true` are renewed.',
            },
          ),
          timeseries(
            {
              title: 'Since last renewal',
              question: 'When was each certificate last renewed?',
              description: 'Time since the agent last obtained a certificate for the domain.',
            },
            [q(Q.sinceRenewal, '{{domain}}')],
            {
              width: 5,
              min: 0,
              emptyByDesign: 'Appears after the first renewal since the agent started.',
            },
          ),
          timeseries(
            {
              title: 'Post-renewal hook runs',
              question: 'Was the renewed certificate picked up?',
              description:
                'Runs of the post-renewal hook (e.g. a proxy reload) by domain and result.',
            },
            [q(Q.hookRuns, '{{domain}} {{result}}')],
            {
              unit: 'short',
              width: 5,
              emptyByDesign: 'Only an agent with `agent.jobs.certificates.hook` runs one.',
            },
          ),
        ],
      },
      {
        title: 'Failures and jobs',
        panels: [
          timeseries(
            {
              title: 'Consecutive failures',
              question: 'How close is a flapping target to its failure threshold?',
              description: 'Failed probes since the last success, per target.',
            },
            [q(Q.failures, '{{target}}')],
            { unit: 'short', width: 6, min: 0 },
          ),
          timeseries(
            {
              title: 'Job runs',
              question: 'Do the scheduled jobs run and succeed?',
              description: 'Runs of each scheduled job per interval, by result.',
            },
            [q(Q.jobRuns, '{{job_name}} {{result}}')],
            { unit: 'short', width: 6 },
          ),
          timeseries(
            {
              title: 'Job duration',
              question: 'How long did each job take last time?',
              description: 'Duration of the last finished run of each job.',
            },
            [q(Q.jobDuration, '{{job_name}}')],
            { width: 6, min: 0 },
          ),
          timeseries(
            {
              title: 'Since last job success',
              question: 'When did each job last succeed?',
              description: 'Time since each job last finished successfully.',
            },
            [q(Q.sinceJobSuccess, '{{job_name}}')],
            { width: 6, min: 0 },
          ),
        ],
      },
    ],
  };
}
