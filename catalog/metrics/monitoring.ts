import { defineMetric } from '../types.ts';

// Series Prometheus and Alertmanager export about themselves (Prometheus 2.42, Alertmanager 0.25,
// names and labels read from their own /metrics). The meta alerts and the dashboards' alert
// annotations read them; like every other series they are selected through catalog entries.
// They are not part of `allMetrics`: aidb creates no instruments for them, and `ALERTS` keeps
// Prometheus's upper-case name.

const severities = ['critical', 'warning', 'info'] as const;

export const up = defineMetric({
  name: 'up',
  kind: 'gauge',
  unit: 'count',
  help: 'Whether the last scrape of the target succeeded (1) or not (0); written by Prometheus.',
  labels: {},
  emitters: ['prometheus'],
});

export const alerts = defineMetric({
  name: 'ALERTS',
  kind: 'gauge',
  unit: 'count',
  help: 'One series per pending or firing alert, with the alert’s labels.',
  labels: {
    alertname: { boundedBy: 'alertRules' },
    alertstate: { values: ['pending', 'firing'] },
    severity: { values: severities },
  },
  emitters: ['prometheus'],
});

export const ruleEvaluationFailures = defineMetric({
  name: 'prometheus_rule_evaluation_failures_total',
  kind: 'counter',
  unit: 'count',
  help: 'Rule evaluations that failed, by rule group (`<file>;<group>`).',
  labels: { rule_group: { boundedBy: 'monitoringConfig' } },
  emitters: ['prometheus'],
});

export const notificationsErrors = defineMetric({
  name: 'prometheus_notifications_errors_total',
  kind: 'counter',
  unit: 'count',
  help: 'Alerts Prometheus failed to send to an Alertmanager.',
  labels: { alertmanager: { boundedBy: 'monitoringConfig' } },
  emitters: ['prometheus'],
});

export const notificationsSent = defineMetric({
  name: 'prometheus_notifications_sent_total',
  kind: 'counter',
  unit: 'count',
  help: 'Alerts Prometheus sent to an Alertmanager.',
  labels: { alertmanager: { boundedBy: 'monitoringConfig' } },
  emitters: ['prometheus'],
});

export const alertmanagerNotificationsFailed = defineMetric({
  name: 'alertmanager_notifications_failed_total',
  kind: 'counter',
  unit: 'count',
  help: 'Notifications Alertmanager failed to deliver, by integration (webhook, email …).',
  labels: { integration: { boundedBy: 'monitoringConfig' } },
  emitters: ['alertmanager'],
});

export const alertmanagerNotifications = defineMetric({
  name: 'alertmanager_notifications_total',
  kind: 'counter',
  unit: 'count',
  help: 'Notifications Alertmanager attempted, by integration.',
  labels: { integration: { boundedBy: 'monitoringConfig' } },
  emitters: ['alertmanager'],
});

export const monitoringMetrics = [
  up,
  alerts,
  ruleEvaluationFailures,
  notificationsErrors,
  notificationsSent,
  alertmanagerNotificationsFailed,
  alertmanagerNotifications,
];
