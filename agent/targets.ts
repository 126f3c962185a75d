import type { ProbeDependency, ProbeKind } from '../catalog/labels.ts';
import type { Config } from '../config/schema.ts';
import type { ProbeOptionsConfig, TargetConfig } from '../config/sections/agent-targets.ts';
import type { ProbeOptions } from './probes/index.ts';

/** Kubernetes probe timing of one target, every value filled in. */
export interface Timing {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly initialDelayMs: number;
}

interface TargetOf<K extends ProbeKind> {
  readonly name: string;
  readonly probe: K;
  readonly dependency: ProbeDependency;
  readonly timing: Timing;
  readonly options: ProbeOptions[K];
}

/** A probe target as the runner uses it: timing resolved, secrets read. */
export type Target = { [K in ProbeKind]: TargetOf<K> }[ProbeKind];

/** Reads a secret or CA file; errors carry the path and the code. */
export type ReadFile = (path: string) => string;

function readOptional(
  path: string | undefined,
  read: ReadFile,
  target: string,
): string | undefined {
  if (path === undefined) return undefined;
  try {
    return read(path).replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`agent: target ${target}: cannot read ${path} (${code})`, { cause: error });
  }
}

type Resolve<K extends ProbeKind> = (
  options: ProbeOptionsConfig[K],
  read: (path: string | undefined) => string | undefined,
) => ProbeOptions[K];

const resolvers: { readonly [K in ProbeKind]: Resolve<K> } = {
  http: ({ bearerTokenFile, ...rest }, read) => ({ ...rest, bearerToken: read(bearerTokenFile) }),
  tcp: (options) => options,
  tls: ({ caFile, ...rest }, read) => ({ ...rest, ca: read(caFile) }),
  postgres: ({ passwordFile, ...rest }, read) => ({ ...rest, password: read(passwordFile) }),
  redis: ({ passwordFile, ...rest }, read) => ({ ...rest, password: read(passwordFile) }),
  qdrant: ({ apiKeyFile, ...rest }, read) => ({ ...rest, apiKey: read(apiKeyFile) }),
};

function resolveConfigured<K extends ProbeKind>(
  target: TargetConfig & { probe: K },
  defaults: Timing,
  read: ReadFile,
): TargetOf<K> {
  const resolve = resolvers[target.probe] as Resolve<K>;
  return {
    name: target.name,
    probe: target.probe,
    dependency: target.dependency,
    timing: {
      intervalMs: target.intervalMs ?? defaults.intervalMs,
      timeoutMs: target.timeoutMs ?? defaults.timeoutMs,
      failureThreshold: target.failureThreshold ?? defaults.failureThreshold,
      successThreshold: target.successThreshold ?? defaults.successThreshold,
      initialDelayMs: target.initialDelayMs ?? defaults.initialDelayMs,
    },
    options: resolve(target.options as ProbeOptionsConfig[K], (path) =>
      readOptional(path, read, target.name),
    ),
  };
}

const healthChecks = [
  ['service-live', '/health/live'],
  ['service-ready', '/health/ready'],
  ['service-startup', '/health/startup'],
] as const;

/**
 * The targets the agent probes without being told: the service's three health endpoints and
 * every dependency the configuration names (its URL and credentials are the service's own).
 */
export function defaultTargets(config: Config): readonly Target[] {
  const timing = config.agent.probeDefaults;
  const base = config.agent.serviceUrl.replace(/\/$/, '');
  const targets: Target[] = healthChecks.map(([name, path]) => ({
    name,
    probe: 'http',
    dependency: 'service',
    timing,
    options: {
      url: `${base}${path}`,
      method: 'GET',
      validStatusCodes: [],
      headers: {},
      tlsVerify: true,
    },
  }));
  if (config.database.url !== undefined) {
    const options = { url: config.database.url, password: config.database.password };
    targets.push({ name: 'postgres', probe: 'postgres', dependency: 'postgres', timing, options });
  }
  if (config.redis.url !== undefined) {
    const options = { url: config.redis.url, password: config.redis.password };
    targets.push({ name: 'redis', probe: 'redis', dependency: 'redis', timing, options });
  }
  if (config.qdrant.url !== undefined) {
    const options = { url: config.qdrant.url, apiKey: config.qdrant.apiKey };
    targets.push({ name: 'qdrant', probe: 'qdrant', dependency: 'qdrant', timing, options });
  }
  return targets;
}

/** Every target of the configuration: the defaults (unless turned off), then the file's. */
export function resolveTargets(config: Config, read: ReadFile): readonly Target[] {
  const configured = config.agent.targets.map(
    (target) => resolveConfigured(target, config.agent.probeDefaults, read) as Target,
  );
  return [...(config.agent.defaultTargets ? defaultTargets(config) : []), ...configured];
}
