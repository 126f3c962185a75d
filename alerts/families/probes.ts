import { certificateExpiryDays } from '../../catalog/certificate-expiry.ts';
import { up } from '../../catalog/metrics/monitoring.ts';
import {
  agentProbeState,
  probeSslEarliestCertExpiry,
  probeSuccess,
} from '../../catalog/metrics/probes.ts';
import { processStartTime } from '../../catalog/metrics/runtime.ts';
import {
  absent,
  changes,
  eq,
  gt,
  jobScope,
  lt,
  max,
  min,
  selectors,
  sub,
  time,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, steady } from '../fixtures.ts';
import type { AlertName, AlertSpec, FamilySpec } from '../model.ts';
import type { GenerationContext } from '../../config/generation.ts';
import { label, tpl } from '../template.ts';
import { agentStatusStep, alert, agentTarget, sameCertificate, targetLabels } from './common.ts';

const day = 86_400;

export function probesFamily(context: GenerationContext): FamilySpec<'probes'> {
  const s = selectors(jobScope(context.agentJob));
  const target = agentTarget(context);
  const probeTarget = { target: 'service-ready', probe: 'http', dependency: 'service' } as const;
  const state = (values: string) => input(agentProbeState, target, probeTarget, values);
  const perTarget = ['job', 'instance', 'target'] as const;
  const expiresIn = sub(min(perTarget, s.gauge(probeSslEarliestCertExpiry)), time());
  // In promtool, time() starts at 0, so an expiry timestamp of N days is N days away at the start.
  const certificate = (days: number) =>
    input(probeSslEarliestCertExpiry, target, { target: 'api-tls' }, steady(days * day, 60));
  const tlsLabels = { ...targetLabels(target), target: 'api-tls' };

  const expiry = (name: AlertName, days: number, severity: AlertSpec['severity']): AlertSpec =>
    alert({
      name,
      expr: lt(expiresIn, days * day),
      severity,
      summary: tpl`TLS certificate of ${label('target')} expires within ${String(days)} days`,
      description: tpl`The certificate served by probe target ${label('target')} expires in less than ${String(days)} days.`,
      dashboard: 'agent-probes',
      runbook: {
        components: ['agent'],
        meaning: `The earliest-expiring certificate of the chain the target serves expires within ${String(days)} days; clients will refuse the connection once it has.`,
        causes: [
          'Automatic renewal is not configured or is failing for this certificate.',
          'A renewed certificate was written but the server still serves the old one (no reload).',
        ],
        firstQueries: [{ title: 'Seconds until expiry per target', expr: expiresIn }],
        mitigation: [
          'Run `aidb agent probe <target>` to see the served chain and its expiry.',
          'Renew the certificate and reload the server that serves it; the probe shows the new expiry on its next run.',
        ],
      },
      tests: {
        firing: [
          {
            name: `a certificate ${String(days - 1)} days from expiry fires`,
            series: [certificate(days - 1)],
            at: '10m',
            labels: tlsLabels,
          },
        ],
        silent: [
          {
            name: `a certificate ${String(days + 1)} days from expiry stays silent`,
            series: [certificate(days + 1)],
            at: '10m',
          },
        ],
      },
    });

  const tlsExpiresSoon = expiry(
    'AidbProbeTlsCertificateExpiresSoon',
    certificateExpiryDays.warning,
    'warning',
  );
  const noTargets = alert({
    name: 'AidbProbeNoTargets',
    expr: absent(
      s.gauge(agentProbeState),
      'the alert exists to fire when the agent exports no probe state',
    ),
    for: '10m',
    severity: 'warning',
    summary: tpl`Agent job ${label('job')} reports no probe targets`,
    description: tpl`No probe state has come from ${label('job')} for 10 minutes: the agent probes nothing, so probe alerts cannot fire.`,
    dashboard: 'agent-probes',
    runbook: {
      components: ['agent'],
      meaning:
        'The agent exports no probe results. Its defaults always probe the co-located service, so this means it is down, not scraped, or misconfigured.',
      causes: [
        'The agent is down (its down alert inhibits this one).',
        'A configuration without targets.',
      ],
      firstQueries: [{ title: 'Agent scrape status', expr: max(['job', 'instance'], s.gauge(up)) }],
      mitigation: [agentStatusStep],
    },
    tests: {
      firesWithoutData: true,
      firing: [
        {
          name: 'no probe state at all fires after ten minutes',
          series: [],
          at: '11m',
          labels: { job: target.job },
        },
      ],
      silent: [
        {
          name: 'probe state present stays silent',
          series: [state(steady(1, 20))],
          at: '15m',
        },
      ],
    },
  });

  return {
    id: 'probes',
    title: 'Agent and probes',
    prefixes: ['AidbProbe', 'AidbAgent'],
    groups: [
      {
        name: groupName('probes'),
        rules: [
          alert({
            name: 'AidbProbeTargetDown',
            expr: eq(
              max(['job', 'instance', 'target', 'probe', 'dependency'], s.gauge(agentProbeState)),
              0,
            ),
            for: '1m',
            severity: 'warning',
            summary: tpl`Probe target ${label('target')} is down`,
            description: tpl`The agent ${label('instance')} has found ${label('target')} (${label('probe')} probe, dependency ${label('dependency')}) down past its failure threshold for a minute.`,
            dashboard: 'agent-probes',
            runbook: {
              components: ['agent'],
              meaning:
                'The agent probes the service and its dependencies from outside, like blackbox_exporter. The target failed as many consecutive probes as its failure threshold allows.',
              causes: [
                'The target is down or unreachable from the agent’s host; or its answer no longer matches the probe’s expectations (status, body).',
              ],
              dependencies: ['postgres', 'redis', 'qdrant', 'embeddings'],
              firstQueries: [
                {
                  title: 'Targets down now',
                  expr: eq(max(['target', 'probe', 'dependency'], s.gauge(agentProbeState)), 0),
                },
                {
                  title: 'Last probe result per target',
                  expr: max(['target'], s.gauge(probeSuccess)),
                },
              ],
              mitigation: [
                agentStatusStep,
                'Run `aidb agent probe <target>` for one probe now, with each phase and the error.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a target past its failure threshold fires after a minute',
                  series: [state('1x4 0x20')],
                  onset: '5m',
                  at: '6m',
                  labels: { ...targetLabels(target), ...probeTarget },
                },
              ],
              silent: [
                { name: 'an up target stays silent', series: [state(steady(1, 20))], at: '15m' },
              ],
            },
          }),
          tlsExpiresSoon,
          {
            ...expiry(
              'AidbProbeTlsCertificateExpiryImminent',
              certificateExpiryDays.critical,
              'critical',
            ),
            inhibits: { alerts: [tlsExpiresSoon], why: sameCertificate },
          },
          noTargets,
          alert({
            name: 'AidbAgentDown',
            expr: eq(max(['job', 'instance'], s.gauge(up)), 0),
            for: '5m',
            severity: 'warning',
            summary: tpl`aidb agent ${label('instance')} cannot be scraped`,
            description: tpl`Prometheus has failed to scrape the agent ${label('instance')} for 5 minutes. Its probe and backup series go stale, so their alerts resolve silently: nothing is probed or backed up while this fires.`,
            dashboard: 'agent-probes',
            inhibits: {
              alerts: [noTargets],
              why: 'A dead agent exports no probe state; the agent alert says why.',
            },
            runbook: {
              meaning:
                'The agent is not answering scrapes. When it dies, its series go stale and every probe and backup alert resolves silently, so this alert stands in for all of them.',
              causes: [
                'The agent process crashed or was stopped.',
                'The scrape configuration or network changed.',
              ],
              firstQueries: [
                { title: 'Agent scrape status', expr: max(['job', 'instance'], s.gauge(up)) },
              ],
              mitigation: [
                'Start it again: in a checkout `npm start` (service and agent together); in Kubernetes `kubectl rollout restart deploy/aidb`; under Quadlet `systemctl restart aidb-agent`. Missed scheduled backups run once at start; it worked when `aidb agent status` lists every target.',
                agentStatusStep,
              ],
            },
            tests: {
              firing: [
                {
                  name: 'an agent that stops answering fires after five minutes',
                  series: [input(up, target, {}, '1x4 0x20')],
                  onset: '5m',
                  at: '10m',
                  labels: targetLabels(target),
                },
              ],
              silent: [
                {
                  name: 'a scraped agent stays silent',
                  series: [input(up, target, {}, steady(1, 20))],
                  at: '15m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbAgentTargetAbsent',
            expr: absent(
              s.gauge(up),
              'the alert exists to fire when Prometheus has no agent target at all',
            ),
            for: '10m',
            severity: 'warning',
            summary: tpl`No aidb agent target in job ${label('job')}`,
            description: tpl`Prometheus has had no target for job ${label('job')} for 10 minutes: probes and backups are unobserved.`,
            dashboard: 'agent-probes',
            runbook: {
              meaning:
                'Prometheus has no scrape target for the agent job at all, so no agent alert can fire.',
              causes: [
                'The scrape configuration lost the job named in `generate.agentJob`, or the agent is not deployed.',
              ],
              firstQueries: [
                { title: 'Every target of the job', expr: max(['job', 'instance'], s.gauge(up)) },
              ],
              mitigation: [
                'Compare Prometheus’s Targets page with `AIDB_AGENT_JOB` used when the rules were generated; regenerate after a rename.',
              ],
            },
            tests: {
              firesWithoutData: true,
              firing: [
                {
                  name: 'no agent target fires after ten minutes',
                  series: [],
                  at: '11m',
                  labels: { job: target.job },
                },
              ],
              silent: [
                {
                  name: 'a scraped agent stays silent',
                  series: [input(up, target, {}, steady(1, 20))],
                  at: '15m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbAgentRestarting',
            expr: gt(max(['job', 'instance'], changes(s.gauge(processStartTime), '30m')), 2),
            severity: 'warning',
            summary: tpl`aidb agent ${label('instance')} restarted more than twice in 30 minutes`,
            description: tpl`The start time of the agent ${label('instance')} changed more than twice within 30 minutes: it is crash-looping, and running jobs are cut short.`,
            dashboard: 'runtime',
            runbook: {
              meaning:
                'The agent keeps starting again; scheduled jobs that were running are cancelled each time.',
              causes: [
                'A crash during a job (backups spawn `pg_dump` and write large files), or an invalid configuration.',
              ],
              firstQueries: [
                {
                  title: 'Restarts in the last 30 minutes',
                  expr: max(['job', 'instance'], changes(s.gauge(processStartTime), '30m')),
                },
              ],
              mitigation: ['Read the agent’s logs before each start.', agentStatusStep],
            },
            tests: {
              firing: [
                {
                  name: 'three restarts within half an hour fire',
                  series: [input(processStartTime, target, {}, '100x4 400x4 700x4 1000x10')],
                  at: '16m',
                  labels: targetLabels(target),
                },
              ],
              silent: [
                {
                  name: 'one restart stays silent',
                  series: [input(processStartTime, target, {}, '100x9 700x20')],
                  at: '25m',
                },
              ],
            },
          }),
        ],
      },
    ],
  };
}
