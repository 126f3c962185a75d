import type * as sdk from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * Grafana's plain (v1) dashboard JSON. The SDK deprecates this type in favour of its v2 resource
 * format, but file provisioning and the import dialog read v1, which is what aidb writes.
 */
// eslint-disable-next-line @typescript-eslint/no-deprecated
export type GrafanaDashboard = sdk.Dashboard;
