import { z } from 'zod';
import { setting } from '../setting.ts';
import { httpUrl } from './primitives.ts';

/**
 * Where the generated Alertmanager configuration sends each receiver's notifications. Secrets
 * stay in files Alertmanager reads (`*_file` fields): these settings hold their paths as
 * Alertmanager sees them, so no secret passes through aidb or lands in a generated file.
 */
function receiver(name: 'page' | 'ticket' | 'deadmansswitch', what: string) {
  const env = `AIDB_ALERT_${name.toUpperCase()}`;
  const path = (doc: string, suffix: string) =>
    setting(z.string().min(1).optional(), { env: `${env}_${suffix}`, doc });
  return z
    .object({
      webhookUrl: setting(httpUrl.optional(), {
        env: `${env}_WEBHOOK_URL`,
        doc: `Webhook ${what} posts to (Alertmanager webhook format).`,
      }),
      webhookTokenFile: path(
        `Path (as Alertmanager sees it) of the bearer token its ${name} webhook sends.`,
        'WEBHOOK_TOKEN_FILE',
      ),
      emailTo: setting(z.email().optional(), {
        env: `${env}_EMAIL_TO`,
        doc: `Address ${what} mails to (needs \`alerting.smtp.*\`).`,
      }),
      slackApiUrlFile: path(
        `Path (as Alertmanager sees it) of the Slack incoming-webhook URL ${what} posts to.`,
        'SLACK_API_URL_FILE',
      ),
      slackChannel: setting(z.string().min(1).optional(), {
        env: `${env}_SLACK_CHANNEL`,
        doc: `Slack channel of ${what}; default: the incoming webhook's own.`,
      }),
      pagerdutyRoutingKeyFile: path(
        `Path (as Alertmanager sees it) of the PagerDuty Events v2 routing key ${what} uses.`,
        'PAGERDUTY_ROUTING_KEY_FILE',
      ),
    })
    .strict();
}

export const alerting = z
  .object({
    page: receiver('page', 'the `page` receiver (critical alerts)').prefault({}),
    ticket: receiver('ticket', 'the `ticket` receiver (warnings)').prefault({}),
    deadmansswitch: receiver(
      'deadmansswitch',
      'the `deadmansswitch` receiver (the always-firing Watchdog, for a dead man’s switch)',
    ).prefault({}),
    smtp: z
      .object({
        smarthost: setting(
          z
            .string()
            .regex(/^[^:\s]+:\d+$/)
            .optional(),
          {
            env: 'AIDB_ALERT_SMTP_SMARTHOST',
            doc: 'SMTP server (`host:port`) Alertmanager sends e-mail through.',
          },
        ),
        from: setting(z.email().optional(), {
          env: 'AIDB_ALERT_SMTP_FROM',
          doc: 'Sender address of alert e-mails.',
        }),
        username: setting(z.string().min(1).optional(), {
          env: 'AIDB_ALERT_SMTP_USERNAME',
          doc: 'SMTP login user.',
        }),
        passwordFile: setting(z.string().min(1).optional(), {
          env: 'AIDB_ALERT_SMTP_PASSWORD_FILE',
          doc: 'Path (as Alertmanager sees it) of the SMTP password.',
        }),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((value, context) => {
    const mails = (['page', 'ticket', 'deadmansswitch'] as const).some(
      (name) => value[name].emailTo !== undefined,
    );
    if (mails && (value.smtp.smarthost === undefined || value.smtp.from === undefined))
      context.addIssue({
        code: 'custom',
        path: ['smtp', 'smarthost'],
        message:
          'e-mail receivers need alerting.smtp.smarthost and alerting.smtp.from (AIDB_ALERT_SMTP_SMARTHOST, AIDB_ALERT_SMTP_FROM)',
      });
  });

export type AlertingConfig = z.infer<typeof alerting>;
