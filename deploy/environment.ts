import type { EnvVar } from 'kubernetes-types/core/v1.js';
import { describeSettings } from '../config/describe.ts';
import type { Config } from '../config/schema.ts';
import { configMapName, mountPaths, secretName } from './names.ts';

/** Which process reads a secret setting: the agent owns backups and its admin key. */
const agentOnly = (path: string): boolean =>
  path.startsWith('agent.') || path.startsWith('backups.');

/** Secret settings as env references to the operator's Secret, keyed by variable name. */
export function secretEnv(forAgent: boolean): EnvVar[] {
  return describeSettings()
    .filter((s) => s.secret === true && s.env !== false && (forAgent || !agentOnly(s.path)))
    .map((s) => {
      const name = s.env as string;
      return {
        name,
        valueFrom: {
          // Only the database is required on the external profile; the rest are features
          // the operator turns on by adding the key.
          secretKeyRef: { name: secretName, key: name, optional: name !== 'DATABASE_URL' },
        },
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The non-secret settings both containers read, as the ConfigMap's data. */
export function configData(config: Config): Record<string, string> {
  const data: Record<string, string> = {
    AIDB_PROFILE: 'external',
    AIDB_LOG_LEVEL: config.logLevel,
    AIDB_DATA_DIR: mountPaths.data,
    AIDB_HOST: '0.0.0.0',
    AIDB_PORT: String(config.service.port),
    AIDB_AGENT_HOST: '0.0.0.0',
    AIDB_AGENT_PORT: String(config.agent.port),
    // The agent is a sidecar: the service is on the pod's loopback.
    AIDB_AGENT_SERVICE_URL: `http://127.0.0.1:${String(config.service.port)}`,
    AIDB_BACKUP_REPOSITORY: mountPaths.backups,
    AIDB_BACKUP_SCHEDULE: config.backups.schedule,
    AIDB_BACKUP_TIME_ZONE: config.backups.retention.timeZone,
  };
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

export const configMapRef = { configMapRef: { name: configMapName } } as const;
