import type { AlertingConfig } from '../config/sections/alerting.ts';
import type { Receivers } from './alertmanager.ts';

type ReceiverConfig = AlertingConfig['page'];

/** Alertmanager 0.25 integrations of one receiver; secrets by file, never inline. */
function integrations(config: ReceiverConfig): Record<string, unknown> {
  const out: Record<string, unknown[]> = {};
  if (config.webhookUrl !== undefined)
    out.webhook_configs = [
      {
        url: config.webhookUrl,
        send_resolved: true,
        ...(config.webhookTokenFile === undefined
          ? {}
          : { http_config: { authorization: { credentials_file: config.webhookTokenFile } } }),
      },
    ];
  if (config.emailTo !== undefined)
    out.email_configs = [{ to: config.emailTo, send_resolved: true }];
  if (config.slackApiUrlFile !== undefined)
    out.slack_configs = [
      {
        api_url_file: config.slackApiUrlFile,
        send_resolved: true,
        ...(config.slackChannel === undefined ? {} : { channel: config.slackChannel }),
      },
    ];
  if (config.pagerdutyRoutingKeyFile !== undefined)
    out.pagerduty_configs = [{ routing_key_file: config.pagerdutyRoutingKeyFile }];
  return out;
}

/** The configured receivers; a receiver with nothing configured is left out. */
export function receiversFrom(alerting: AlertingConfig): Receivers {
  const receivers: Receivers = {};
  for (const name of ['page', 'ticket', 'deadmansswitch'] as const) {
    const found = integrations(alerting[name]);
    if (Object.keys(found).length > 0) receivers[name] = found;
  }
  return receivers;
}

/** Alertmanager's `global` section: the SMTP server e-mail receivers send through. */
export function alertmanagerGlobal(alerting: AlertingConfig): Record<string, string> | undefined {
  const { smarthost, from, username, passwordFile } = alerting.smtp;
  if (smarthost === undefined || from === undefined) return undefined;
  return {
    smtp_smarthost: smarthost,
    smtp_from: from,
    ...(username === undefined ? {} : { smtp_auth_username: username }),
    ...(passwordFile === undefined ? {} : { smtp_auth_password_file: passwordFile }),
  };
}

/** Receivers that notify someone; empty, the generated configuration notifies nobody. */
export function unconfiguredReceivers(receivers: Receivers): string[] {
  return (['page', 'ticket', 'deadmansswitch'] as const).filter((n) => receivers[n] === undefined);
}
