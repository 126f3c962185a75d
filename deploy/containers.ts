import type { Container, SecurityContext, VolumeMount } from 'kubernetes-types/core/v1.js';
import { agentNodeOptions } from '../agent/node-options.ts';
import type { Config } from '../config/schema.ts';
import { configMapRef, secretEnv } from './environment.ts';
import { compiledCli, entrypoint, image, mountPaths, portNames, ports } from './names.ts';
import { serviceProbes } from './probes.ts';

/** Non-root, read-only root, no privilege escalation, no capabilities: nothing aidb needs. */
export const containerSecurityContext: SecurityContext = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
};

export const volumeNames = { data: 'data', tmp: 'tmp', backups: 'backups' } as const;

const dataMounts: VolumeMount[] = [
  { name: volumeNames.data, mountPath: mountPaths.data },
  { name: volumeNames.tmp, mountPath: mountPaths.tmp },
];

export function serviceContainer(config: Config): Container {
  const probes = serviceProbes(portNames.service);
  return {
    name: 'service',
    image,
    imagePullPolicy: 'IfNotPresent',
    args: ['serve'],
    ports: [{ name: portNames.service, containerPort: ports(config).service, protocol: 'TCP' }],
    envFrom: [configMapRef],
    env: secretEnv(false),
    startupProbe: probes.startup,
    readinessProbe: probes.readiness,
    livenessProbe: probes.liveness,
    // Requests fit the benchmarks' single-core runs; the memory limit leaves room for PGlite-free
    // external-profile pools and large ingest batches (service.bodyLimitBytes).
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { memory: '512Mi' },
    },
    securityContext: containerSecurityContext,
    volumeMounts: dataMounts,
  };
}

/**
 * The image's entrypoint with the agent's V8 options before the script (they are refused in
 * NODE_OPTIONS), and the compiled CLI instead of its TypeScript source: the agent and the backup
 * CronJob, which runs the same pipeline, start with it.
 */
export const agentCommand: string[] = entrypoint.flatMap((part) => {
  if (part === 'node') return [part, ...agentNodeOptions];
  return part === 'bin/aidb.ts' ? [compiledCli] : [part];
});

/** The agent's own endpoints (agent/server.ts): it is up once it serves, ready once it probed. */
export const agentHealthPaths = { live: '/health/live', ready: '/health/ready' } as const;

export function agentContainer(config: Config): Container {
  return {
    name: 'agent',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: agentCommand,
    args: ['agent'],
    ports: [{ name: portNames.agent, containerPort: ports(config).agent, protocol: 'TCP' }],
    envFrom: [configMapRef],
    env: secretEnv(true),
    readinessProbe: {
      httpGet: { path: agentHealthPaths.ready, port: portNames.agent },
      periodSeconds: 10,
      timeoutSeconds: 3,
    },
    livenessProbe: {
      httpGet: { path: agentHealthPaths.live, port: portNames.agent },
      periodSeconds: 20,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    // Measured peak RSS (bench/RESULTS.md, bench:agent): 91–97 MB at 200 targets × 1 s,
    // 106–111 MB at 1,000 × 10 s; the request is 128 MiB (134 MB, +21 % over 111). Backups run in
    // this process: the pipeline peaked at 103–107 MB in bench:backup over the 1 GiB database
    // with these options, 173–185 MB without --expose-gc; the 256 MiB limit (268 MB) leaves
    // +45 % over 185 for an agent started without them.
    resources: {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    },
    securityContext: containerSecurityContext,
    volumeMounts: [...dataMounts, { name: volumeNames.backups, mountPath: mountPaths.backups }],
  };
}
