import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert of an Alertmanager webhook notification (version 4 payload). */
export interface NotifiedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** When the alert began firing (RFC 3339), as Prometheus sent it. */
  readonly startsAt: string;
}

export interface Notification {
  /** The receiver path the notification was posted to (`/page`, `/ticket` …). */
  readonly path: string;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly NotifiedAlert[];
}

/** A loopback HTTP server that records every notification Alertmanager posts to it. */
export interface WebhookReceiver {
  readonly url: string;
  readonly notifications: readonly Notification[];
  /** The alerts named `alertname` received so far, in arrival order, with their receiver path. */
  alertsNamed(alertname: string): { path: string; alert: NotifiedAlert }[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: Notification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<
          Notification,
          'path'
        >;
        notifications.push({ ...body, path: request.url ?? '/' });
        response.writeHead(200).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    alertsNamed: (alertname) =>
      notifications.flatMap((n) =>
        n.alerts
          .filter((a) => a.labels.alertname === alertname)
          .map((alert) => ({ path: n.path, alert })),
      ),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
