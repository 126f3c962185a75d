import {
  alertmanagerNotificationsFailed,
  notificationsErrors,
  notificationsSent,
  ruleEvaluationFailures,
} from '../../catalog/metrics/monitoring.ts';
import {
  anyJob,
  gt,
  increase,
  rate,
  ratio,
  selectors,
  sum,
  vector,
} from '../../lib/promql/index.ts';
import { groupName } from '../conventions.ts';
import { input, ramp, steady } from '../fixtures.ts';
import type { FamilySpec } from '../model.ts';
import { label, tpl } from '../template.ts';
import { alert } from './common.ts';

export const watchdogName = 'AidbMetaWatchdog';

/** The monitoring pipeline watching itself. */
export function metaFamily(): FamilySpec<'meta'> {
  // Prometheus and Alertmanager are scraped under whatever job the operator chose.
  const s = selectors(anyJob);
  const prometheus = { job: 'prometheus', instance: 'prometheus-0:9090' };
  const alertmanager = { job: 'alertmanager', instance: 'alertmanager-0:9093' };
  const ourGroups = { rule_group: { re: '.*;aidb-.*' } };
  const evaluationFailures = sum(
    ['job', 'instance', 'rule_group'],
    increase(s.counter(ruleEvaluationFailures, ourGroups), '10m'),
  );
  const byAlertmanager = ['job', 'instance', 'alertmanager'] as const;
  const sendErrors = ratio(
    byAlertmanager,
    rate(s.counter(notificationsErrors), '5m'),
    rate(s.counter(notificationsSent), '5m'),
  );
  const failedNotifications = sum(
    ['job', 'instance', 'integration'],
    rate(s.counter(alertmanagerNotificationsFailed), '5m'),
  );
  const amLabel = { alertmanager: 'http://alertmanager-0:9093/api/v2/alerts' };

  return {
    id: 'meta',
    title: 'Monitoring itself',
    prefixes: ['AidbMeta'],
    groups: [
      {
        name: groupName('meta'),
        rules: [
          alert({
            name: watchdogName,
            expr: vector(1),
            severity: 'info',
            summary: tpl`The aidb alerting pipeline is alive`,
            description: tpl`Always firing. Alertmanager routes it to the dead man's switch receiver; when that stops hearing from it, Prometheus, Alertmanager or the path between them is broken.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'This alert fires all the time on purpose. An external dead man’s switch expects its notification at every repeat interval and raises the alarm when it stops coming.',
              causes: [
                'If the dead man’s switch complains: Prometheus is down, cannot reach Alertmanager, or Alertmanager cannot notify.',
              ],
              firstQueries: [
                { title: 'Rule evaluation failures of the aidb groups', expr: evaluationFailures },
              ],
              mitigation: [
                'Never silence it. Check that Prometheus and Alertmanager run and that Prometheus lists Alertmanager as a discovered target.',
              ],
            },
            tests: {
              firesWithoutData: true,
              firing: [{ name: 'it fires with no input at all', series: [], at: '1m', labels: {} }],
              silent: [],
            },
          }),
          alert({
            name: 'AidbMetaRuleEvaluationFailures',
            expr: gt(evaluationFailures, 0),
            severity: 'warning',
            summary: tpl`aidb rules of ${label('rule_group')} fail to evaluate`,
            description: tpl`Prometheus ${label('instance')} failed to evaluate rules of ${label('rule_group')} within the last 10 minutes: alerts of that group cannot fire.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'A generated rule errors at evaluation time (not a syntax error: those fail the rule file load). Its alerts cannot fire while it does.',
              causes: [
                'A query that matches series with clashing labels (many-to-many matching), usually after a scrape configuration adds labels.',
                'A query exceeding Prometheus’s sample limits.',
              ],
              firstQueries: [{ title: 'Failures by rule group', expr: evaluationFailures }],
              mitigation: [
                'Open Prometheus’s Rules page: the failing rule shows its last error.',
                'Regenerate the rules with `aidb generate --out DIR` and run `promtool check rules` on them.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a failing aidb rule group fires',
                  series: [
                    input(
                      ruleEvaluationFailures,
                      prometheus,
                      { rule_group: '/etc/prometheus/rules/service.yml;aidb-service' },
                      '0x4 1+1x10',
                    ),
                  ],
                  at: '10m',
                  labels: {
                    ...prometheus,
                    rule_group: '/etc/prometheus/rules/service.yml;aidb-service',
                  },
                },
              ],
              silent: [
                {
                  name: 'failures of other rule groups stay silent',
                  series: [
                    input(
                      ruleEvaluationFailures,
                      prometheus,
                      { rule_group: 'node.yml;node-exporter' },
                      '0x4 1+1x10',
                    ),
                  ],
                  at: '10m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbMetaNotificationsFailing',
            expr: gt(sendErrors, '0.01'),
            for: '15m',
            severity: 'warning',
            summary: tpl`Prometheus fails to send alerts to ${label('alertmanager')}`,
            description: tpl`Prometheus ${label('instance')} has failed to send more than 1% of its alerts to ${label('alertmanager')} for 15 minutes.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'Alerts fire in Prometheus but do not all reach Alertmanager, so nobody is notified of them.',
              causes: ['Alertmanager is down or unreachable from Prometheus.'],
              firstQueries: [{ title: 'Share of alerts that failed to send', expr: sendErrors }],
              mitigation: [
                'Check Alertmanager’s health (`/-/ready`) and Prometheus’s alerting configuration.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'a tenth of the alerts failing to send fires after fifteen minutes',
                  series: [
                    input(notificationsSent, prometheus, amLabel, ramp(0, 60, 30)),
                    input(notificationsErrors, prometheus, amLabel, ramp(0, 6, 30)),
                  ],
                  onset: '1m',
                  at: '16m',
                  labels: { ...prometheus, ...amLabel },
                },
              ],
              silent: [
                {
                  name: 'no send errors stay silent',
                  series: [
                    input(notificationsSent, prometheus, amLabel, ramp(0, 60, 30)),
                    input(notificationsErrors, prometheus, amLabel, steady(0, 30)),
                  ],
                  at: '20m',
                },
              ],
            },
          }),
          alert({
            name: 'AidbMetaAlertmanagerNotificationsFailing',
            expr: gt(failedNotifications, 0),
            for: '15m',
            severity: 'warning',
            summary: tpl`Alertmanager fails to deliver ${label('integration')} notifications`,
            description: tpl`Alertmanager ${label('instance')} has failed to deliver notifications through ${label('integration')} for 15 minutes.`,
            dashboard: 'service-overview',
            runbook: {
              meaning:
                'Alertmanager cannot deliver notifications through one integration (webhook, email, pager): receivers behind it hear nothing.',
              causes: ['The receiver endpoint is down, or its credentials expired.'],
              firstQueries: [
                {
                  title: 'Failed notifications per second by integration',
                  expr: failedNotifications,
                },
              ],
              mitigation: [
                'Read Alertmanager’s log for the delivery error; fix the receiver in the generated `alertmanager.yml` and reload it.',
              ],
            },
            tests: {
              firing: [
                {
                  name: 'failing webhook deliveries fire after fifteen minutes',
                  series: [
                    input(
                      alertmanagerNotificationsFailed,
                      alertmanager,
                      { integration: 'webhook' },
                      ramp(0, 2, 30),
                    ),
                  ],
                  onset: '1m',
                  at: '16m',
                  labels: { ...alertmanager, integration: 'webhook' },
                },
              ],
              silent: [
                {
                  name: 'no failed deliveries stay silent',
                  series: [
                    input(
                      alertmanagerNotificationsFailed,
                      alertmanager,
                      { integration: 'webhook' },
                      steady(0, 30),
                    ),
                  ],
                  at: '20m',
                },
              ],
            },
          }),
        ],
      },
    ],
  };
}
