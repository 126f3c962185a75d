/**
 * When a certificate's expiry becomes a problem, shared by the expiry alerts (probed and managed
 * certificates) and the dashboard gauges that colour them: two weeks leaves time to renew by
 * hand, 3 days is an emergency.
 */
export const certificateExpiryDays = { warning: 14, critical: 3 } as const;
