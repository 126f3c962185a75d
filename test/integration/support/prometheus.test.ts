import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager.ts';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus.ts';
import { waitFor } from '../../support/wait.ts';

interface Vector {
  resultType: string;
  result: { metric: Record<string, string>; value: [number, string] }[];
}

describe('private Prometheus and Alertmanager helpers', () => {
  let prometheus: PrometheusServer;
  let alertmanager: AlertmanagerServer;

  beforeAll(async () => {
    alertmanager = await startAlertmanager({
      config: { route: { receiver: 'null', group_wait: '1s' }, receivers: [{ name: 'null' }] },
    });
    prometheus = await startPrometheus({
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [{ job_name: 'self', static_configs: [{ targets: [`127.0.0.1:0`] }] }],
      },
    });
    await prometheus.reload({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }],
      },
      scrape_configs: [
        { job_name: 'self', static_configs: [{ targets: [`127.0.0.1:${prometheus.port}`] }] },
        {
          job_name: 'alertmanager',
          static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }],
        },
      ],
    });
  });
  afterAll(async () => {
    await prometheus.close();
    await alertmanager.close();
  });

  it('scrapes itself and Alertmanager after a config reload', async () => {
    await waitFor('both targets up', async () => {
      const data = (await prometheus.query('sum(up)')) as Vector;
      return data.result[0]?.value[1] === '2';
    });
    const version = (await prometheus.query('prometheus_build_info')) as Vector;
    expect(version.result[0]?.metric.version).toMatch(/^2\.4\d\./);
  });

  it('delivers a firing alert to Alertmanager', async () => {
    await alertmanager.alerts().then((alerts) => {
      expect(alerts).toEqual([]);
    });
    const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'HelperTest', severity: 'info' } }]),
    });
    expect(response.ok).toBe(true);
    const alerts = (await alertmanager.alerts()) as { labels: Record<string, string> }[];
    expect(alerts.map((a) => a.labels.alertname)).toEqual(['HelperTest']);
  });

  it('stops and starts Prometheus on the same port', async () => {
    await prometheus.stop();
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
    await prometheus.start();
    expect((await fetch(`${prometheus.url}/-/ready`)).ok).toBe(true);
  });
});
