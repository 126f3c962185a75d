/**
 * The generated dashboards and their identities. Uids derive from the titles, so links between
 * dashboards and from alerts (`dashboard_url`) stay stable across runs and releases.
 */
export const dashboardTitles = {
  'service-overview': 'aidb / Service overview',
  dependencies: 'aidb / Dependencies',
  'knowledge-base': 'aidb / Knowledge base',
  protection: 'aidb / Protection',
  'agent-probes': 'aidb / Agent probes',
  backups: 'aidb / Backups',
  runtime: 'aidb / Runtime',
} as const;
export type DashboardId = keyof typeof dashboardTitles;
export const dashboardIds = Object.keys(dashboardTitles) as DashboardId[];

/** Grafana accepts uids of at most 40 characters (dashboard API, "uid"). */
export const maxUidLength = 40;

/** `aidb / Service overview` → `aidb-service-overview`. */
export function uidFromTitle(title: string): string {
  const uid = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (uid === '' || uid.length > maxUidLength) {
    throw new RangeError(
      `dashboards: uid "${uid}" from "${title}" must have 1 to ${maxUidLength} characters`,
    );
  }
  return uid;
}

export function dashboardUid(id: DashboardId): string {
  return uidFromTitle(dashboardTitles[id]);
}
