import { generatedBy, type GeneratedFile } from '../lib/generated-files.ts';
import { severityReceivers, type ReceiverName } from './alertmanager.ts';
import { watchdogName } from './families/meta.ts';
import { severities } from './model.ts';

/** Labels of an alert and the receiver the generated routing must pick for it. */
export interface RouteCase {
  readonly labels: Readonly<Record<string, string>>;
  readonly receiver: ReceiverName;
}

/** One case per severity, and the Watchdog, which goes to the dead man's switch whatever it is. */
export function routeCases(): RouteCase[] {
  return [
    ...severities.map((severity) => ({
      labels: { severity },
      receiver: severityReceivers[severity],
    })),
    { labels: { alertname: watchdogName, severity: 'info' }, receiver: 'deadmansswitch' },
  ];
}

/** `alertmanager/route-tests.sh`: `amtool config routes test` for every case; exit 0 when all pass. */
export function routeTestsFile(): GeneratedFile {
  const lines = routeCases().map(({ labels, receiver }) => {
    const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    return `amtool config routes test --config.file="$config" --verify.receivers=${receiver} ${args.join(' ')}`;
  });
  return {
    path: 'alertmanager/route-tests.sh',
    content: [
      '#!/bin/sh',
      `# ${generatedBy}`,
      '# Checks where alertmanager.yml beside it routes each severity (amtool, from',
      '# prometheus-alertmanager). Run: sh alertmanager/route-tests.sh',
      'set -eu',
      'config="$(dirname "$0")/alertmanager.yml"',
      ...lines,
      '',
    ].join('\n'),
  };
}
