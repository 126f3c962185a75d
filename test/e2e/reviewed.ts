/**
 * Reviewed lists of the live test: panel queries and rule selectors that return no series on the
 * live stack, each with its reason. Panels empty by design carry their reason in the dashboard
 * spec (`emptyByDesign`) and selectors inside `absent()` in the rule (`absentByDesign`); these
 * lists hold what is empty because of the state of the code or of the test stack, keyed as the
 * test reports them, so the integrator can delete an entry once its reason is gone.
 */
const pendingAuth = 'pending: auth/rate limits (issue 5)';

export const reviewedEmptyPanels: Readonly<Record<string, string>> = {
  'aidb-protection: Rate-limit decisions A': pendingAuth,
  'aidb-protection: Rejected share A': pendingAuth,
  'aidb-protection: Limiter backend A': pendingAuth,
  'aidb-protection: Auth failures A': pendingAuth,
};

export const reviewedEmptySelectors: Readonly<Record<string, string>> = {
  'aidb_rate_limit_decisions_total{job="aidb",decision="rejected"}': pendingAuth,
  'aidb_rate_limit_decisions_total{job="aidb"}': pendingAuth,
  'aidb_auth_failures_total{job="aidb"}': pendingAuth,
};
