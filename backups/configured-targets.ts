import type { Config } from '../config/schema.ts';
import type { BackupTarget } from '../catalog/labels.ts';

/**
 * What this installation backs up: the embedded profile its PGlite database (through the
 * service), the external one PostgreSQL, and Qdrant when it is configured.
 */
export function configuredTargets(config: Config): BackupTarget[] {
  if (config.profile === 'embedded') return ['pglite'];
  return config.qdrant.url === undefined ? ['postgres'] : ['postgres', 'qdrant'];
}
