import { dump } from 'js-yaml';
import type { Duration } from '../lib/promql/index.ts';
import type { FamilySpec, Severity } from './model.ts';
import { watchdogName } from './families/meta.ts';
import { alertmanagerInhibitRule, inhibitRules } from './inhibitions.ts';
import { divideDuration } from './time-divisor.ts';

export const receiverNames = ['page', 'ticket', 'deadmansswitch', 'blackhole'] as const;
export type ReceiverName = (typeof receiverNames)[number];

/** Where each severity goes; the Watchdog is routed by name before severity is looked at. */
export const severityReceivers: Record<Severity, ReceiverName> = {
  critical: 'page',
  warning: 'ticket',
  info: 'blackhole',
};

/**
 * Receiver integrations (`webhook_configs`, `pagerduty_configs` …) per receiver. Left out, a
 * receiver is a placeholder with none: Alertmanager accepts it and notifies nobody.
 */
export type Receivers = Partial<Record<ReceiverName, Readonly<Record<string, unknown>>>>;

export function receiverOf(alertName: string, severity: Severity): ReceiverName {
  return alertName === watchdogName ? 'deadmansswitch' : severityReceivers[severity];
}

/**
 * The Alertmanager 0.25 configuration: routing by severity and the derived inhibitions. The
 * grouping waits are divided by `timeDivisor` in the live-test profile (`generate.timeDivisor`).
 */
export function alertmanagerConfig(
  families: readonly FamilySpec[],
  receivers: Receivers = {},
  timeDivisor = 1,
  global?: Readonly<Record<string, string>>,
) {
  const t = (duration: Duration): Duration => divideDuration(duration, timeDivisor);
  return {
    ...(global === undefined ? {} : { global }),
    route: {
      receiver: 'ticket',
      group_by: ['alertname', 'job', 'severity'],
      group_wait: t('30s'),
      group_interval: t('5m'),
      repeat_interval: t('4h'),
      routes: [
        {
          // The dead man's switch expects a steady heartbeat: send at once and every minute.
          receiver: 'deadmansswitch',
          matchers: [`alertname="${watchdogName}"`],
          group_wait: '0s',
          group_interval: t('1m'),
          repeat_interval: t('1m'),
        },
        ...(['critical', 'warning', 'info'] as const).map((severity) => ({
          receiver: severityReceivers[severity],
          matchers: [`severity="${severity}"`],
          ...(severity === 'critical' ? { repeat_interval: t('1h') } : {}),
        })),
      ],
    },
    receivers: receiverNames.map((name) => ({ name, ...receivers[name] })),
    inhibit_rules: inhibitRules(families).map(alertmanagerInhibitRule),
  };
}

export function alertmanagerYaml(
  families: readonly FamilySpec[],
  receivers: Receivers = {},
  timeDivisor = 1,
  global?: Readonly<Record<string, string>>,
): string {
  return dump(alertmanagerConfig(families, receivers, timeDivisor, global), {
    lineWidth: -1,
    noRefs: true,
  });
}
