import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canInstall } from './binaries.ts';
import { sharedDir } from './shared.ts';

/** Present once pgvector is installed for Debian's PostgreSQL 15 (every private cluster has it). */
const control = '/usr/share/postgresql/15/extension/vector.control';
const source = join(sharedDir, 'vendor/pgvector-0.8.6.tar.gz');
const installer = resolve(import.meta.dirname, '../../scripts/install-pgvector.sh');

export function pgvectorInstalled(): boolean {
  return existsSync(control);
}

/** Why the suites that need pgvector on PostgreSQL 15 cannot run here, or undefined. */
export function pgvectorMissing(): string | undefined {
  if (pgvectorInstalled()) return undefined;
  return `pgvector is not installed for PostgreSQL 15 (scripts/install-pgvector.sh builds it from ${source})`;
}

/**
 * Builds and installs pgvector from the vendored source where the set-up can (root on Debian,
 * source beside the checkout); elsewhere the suites that need it say so and the rest runs.
 */
export function ensurePgvector(): void {
  if (pgvectorInstalled() || !canInstall() || !existsSync(source)) return;
  execFileSync(installer, [source], { stdio: 'inherit' });
}

/** The index the service chooses on the external profile here. */
export function externalVectorIndex(): 'pgvector' | 'exact_sql' {
  return pgvectorInstalled() ? 'pgvector' : 'exact_sql';
}
