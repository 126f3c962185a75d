import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the tests run, and the Debian package that ships it. */
export interface Binary {
  readonly name: string;
  readonly debianPackage: string;
  /** Directories searched before PATH (PostgreSQL keeps its server programs off PATH). */
  readonly dirs?: readonly string[];
}

const postgresDirs = ['/usr/lib/postgresql/15/bin'];

export const binaries = {
  initdb: { name: 'initdb', debianPackage: 'postgresql-15', dirs: postgresDirs },
  pgCtl: { name: 'pg_ctl', debianPackage: 'postgresql-15', dirs: postgresDirs },
  pgDump: { name: 'pg_dump', debianPackage: 'postgresql-client-15', dirs: postgresDirs },
  pgRestore: { name: 'pg_restore', debianPackage: 'postgresql-client-15', dirs: postgresDirs },
  runuser: { name: 'runuser', debianPackage: 'util-linux', dirs: ['/usr/sbin', '/sbin'] },
  // A private mount namespace for a read-only filesystem, with no privilege beyond the test's.
  unshare: { name: 'unshare', debianPackage: 'util-linux', dirs: ['/usr/bin', '/bin'] },
  redisServer: { name: 'redis-server', debianPackage: 'redis-server' },
  prometheus: { name: 'prometheus', debianPackage: 'prometheus' },
  promtool: { name: 'promtool', debianPackage: 'prometheus' },
  // The agent's peer in bench/agent.ts.
  blackboxExporter: {
    name: 'prometheus-blackbox-exporter',
    debianPackage: 'prometheus-blackbox-exporter',
  },
  alertmanager: { name: 'prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' },
  amtool: { name: 'amtool', debianPackage: 'prometheus-alertmanager' },
  zstd: { name: 'zstd', debianPackage: 'zstd' },
  age: { name: 'age', debianPackage: 'age' },
  ageKeygen: { name: 'age-keygen', debianPackage: 'age' },
  // Only for its injection wordlists (test/support/hostile-corpus.ts).
  wfuzz: { name: 'wfuzz', debianPackage: 'wfuzz' },
  shellcheck: { name: 'shellcheck', debianPackage: 'shellcheck' },
  pebble: { name: 'pebble', debianPackage: 'pebble' },
} as const satisfies Record<string, Binary>;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of a binary, or undefined when it is not installed. */
export function findBinary(binary: Binary): string | undefined {
  const path = process.env.PATH ?? '';
  const dirs = [...(binary.dirs ?? []), ...path.split(delimiter).filter((d) => d !== '')];
  return dirs.map((dir) => join(dir, binary.name)).find(isExecutable);
}

/** Root on Debian (CI): the set-up may install what the tests need. */
export function canInstall(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

/**
 * Makes sure the binaries exist: installs the missing ones with apt-get when running as root
 * on Debian (CI), otherwise fails naming the packages to install.
 */
export function ensureBinaries(wanted: readonly Binary[]): void {
  const missing = wanted.filter((binary) => findBinary(binary) === undefined);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((b) => b.debianPackage))].sort();
  if (!canInstall()) {
    throw new Error(
      `test support: missing ${missing.map((b) => b.name).join(', ')}; install the Debian packages: ${packages.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = missing.filter((binary) => findBinary(binary) === undefined);
  if (still.length > 0) {
    throw new Error(
      `test support: ${still.map((b) => b.name).join(', ')} still missing after apt-get install`,
    );
  }
}

/** Path of a binary that must exist; call ensureBinaries first (the global setup does). */
export function binaryPath(binary: Binary): string {
  const found = findBinary(binary);
  if (found === undefined) {
    throw new Error(
      `test support: ${binary.name} not found; install the Debian package ${binary.debianPackage}`,
    );
  }
  return found;
}
