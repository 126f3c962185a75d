import type { Config } from '../config/schema.ts';
import { version } from '../lib/version.ts';

/**
 * Names, labels and ports every manifest shares, in one place, so that selectors, Service ports
 * and ServiceMonitor endpoints are written once (the tests check the references hold).
 * Label keys follow kubernetes.io/docs/concepts/overview/working-with-objects/common-labels.
 */
export const appName = 'aidb';

export const selectorLabels = {
  'app.kubernetes.io/name': appName,
  'app.kubernetes.io/instance': appName,
} as const;

export function commonLabels(component: string): Record<string, string> {
  return {
    ...selectorLabels,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/part-of': appName,
  };
}

/** The image the manifests run; `kustomize edit set image aidb=<registry>/aidb:<tag>` retargets it. */
export const imageName = appName;
export const image = `${imageName}:${version}`;

/** The image's ENTRYPOINT (Containerfile): node under tini, which forwards SIGTERM. */
export const entrypoint = ['/usr/bin/tini', '--', 'node', 'bin/aidb.ts'] as const;

/**
 * The CLI compiled at image build (Containerfile, scripts/build.ts): the agent container runs it,
 * so Node never loads its TypeScript stripper in a process paid for in every pod.
 */
export const compiledCli = 'build/bin/aidb.js';

/** Container port names (at most 15 characters, IANA_SVC_NAME). */
export const portNames = { service: 'http', agent: 'agent' } as const;

export function ports(config: Config) {
  return { service: config.service.port, agent: config.agent.port } as const;
}

/** The Secret the operator creates; manifests only ever reference its keys. */
export const secretName = appName;

/**
 * The key of the Secret holding a plain `read` API key Prometheus scrapes both `/metrics` with;
 * its SHA-256 entry belongs in `AIDB_API_KEYS` and in `AIDB_AGENT_API_KEYS`.
 */
export const metricsKeySecretKey = 'metrics-key';

export const configMapName = `${appName}-config`;
export const backupsClaimName = `${appName}-backups`;

/** Where the writable volumes are mounted; the image declares the same paths. */
export const mountPaths = { data: '/data', tmp: '/tmp/aidb', backups: '/backups' } as const;
