import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerConfig } from '../../../alerts/alertmanager.ts';
import { generationContext } from '../../../config/generation.ts';
import { ruleFamilies } from '../../../alerts/families/index.ts';
import { inhibitionCases, type AlertLabels } from '../../../alerts/inhibition-cases.ts';
import { inhibitRules } from '../../../alerts/inhibitions.ts';
import { alertsOf } from '../../../alerts/rules-file.ts';
import { loadConfig } from '../../../config/load.ts';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager.ts';
import { waitFor } from '../../support/wait.ts';

const { config } = loadConfig({ env: {}, readFile: () => '' });
const families = ruleFamilies(generationContext(config));
const rules = inhibitRules(families);
const cases = inhibitionCases(rules, new Map(families.flatMap(alertsOf).map((a) => [a.name, a])));

const key = (labels: AlertLabels): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

interface HeldAlert {
  readonly labels: AlertLabels;
  readonly status: { readonly state: string; readonly inhibitedBy: readonly string[] };
}

let alertmanager: AlertmanagerServer;
let held: Map<string, HeldAlert>;

beforeAll(async () => {
  // Receivers without integrations: Alertmanager routes and inhibits, and notifies nobody.
  alertmanager = await startAlertmanager({ config: alertmanagerConfig(families) });
  const unique = new Map<string, AlertLabels>();
  for (const c of cases) for (const labels of [c.source, c.target]) unique.set(key(labels), labels);
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([...unique.values()].map((labels) => ({ labels, endsAt }))),
  });
  expect(response.status).toBe(200);
  // The inhibitor learns of source alerts asynchronously: wait until every silenced case shows.
  await waitFor('every same-subject target to be inhibited', async () => {
    const alerts = (await alertmanager.alerts()) as HeldAlert[];
    held = new Map(alerts.map((a) => [key(a.labels), a]));
    return cases
      .filter((c) => c.inhibited)
      .every((c) => held.get(key(c.target))?.status.state === 'suppressed');
  });
});

afterAll(async () => {
  await alertmanager.close();
});

describe('the generated inhibit rules in a real Alertmanager', () => {
  it('have a silenced case and a left-alone case for every rule', () => {
    for (const rule of rules) {
      const own = cases.filter((c) => rule.source.includes(c.source.alertname ?? ''));
      expect(
        own.some((c) => c.inhibited),
        rule.source.join(),
      ).toBe(true);
      expect(
        own.some((c) => !c.inhibited),
        rule.source.join(),
      ).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const target = held.get(key(c.target));
    expect(target, 'the target alert is held').toBeDefined();
    expect(target?.status.state).toBe(c.inhibited ? 'suppressed' : 'active');
  });
});
