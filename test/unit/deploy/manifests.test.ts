import { execFileSync } from 'node:child_process';
import { dump, loadAll } from 'js-yaml';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, Container, PodSpec, Service } from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { Deployment as DeploymentModel } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob as CronJobModel } from 'kubernetes-models/batch/v1/CronJob';
import { NetworkPolicy as NetworkPolicyModel } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget as PodDisruptionBudgetModel } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap as ConfigMapModel } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim as PersistentVolumeClaimModel } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service as ServiceModel } from 'kubernetes-models/v1/Service';
import { PodMonitor as PodMonitorModel } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule as PrometheusRuleModel } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor as ServiceMonitorModel } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { agentNodeOptions } from '../../../agent/node-options.ts';
import { createAgentServer } from '../../../agent/server.ts';
import type { AgentStatus } from '../../../agent/status.ts';
import { describeSettings } from '../../../config/describe.ts';
import { loadConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { dashboardFiles } from '../../../dashboards/output.ts';
import { compiledCli, entrypoint } from '../../../deploy/names.ts';
import { k8sFiles } from '../../../deploy/output.ts';
import type { PodMonitor, ServiceMonitor } from '../../../deploy/service-monitor.ts';
import { generators } from '../../../bin/commands/generators.ts';
import { probeSpecs } from '../../../service/api/probes.ts';
import { describedRoutes } from '../../../service/routes/described.ts';
import { hashKey } from '../../../lib/api-keys.ts';

function config(env: Record<string, string> = {}): Config {
  return loadConfig({ env, readFile: () => '' }).config;
}

function configFrom(file: Record<string, unknown>): Config {
  return loadConfig({ env: {}, configPath: '/aidb.yaml', readFile: () => dump(file) }).config;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** The published schema of every kind the manifests use, by kind. */
const models: Record<string, ModelClass> = {
  ConfigMap: ConfigMapModel,
  CronJob: CronJobModel,
  Deployment: DeploymentModel,
  NetworkPolicy: NetworkPolicyModel,
  PersistentVolumeClaim: PersistentVolumeClaimModel,
  PodDisruptionBudget: PodDisruptionBudgetModel,
  PodMonitor: PodMonitorModel,
  PrometheusRule: PrometheusRuleModel,
  Service: ServiceModel,
  ServiceMonitor: ServiceMonitorModel,
} as unknown as Record<string, ModelClass>;

/** Everything `aidb generate` writes under k8s/, parsed, by file name. */
function manifests(cfg: Config = config()): Map<string, unknown[]> {
  const files = generators.flatMap((generate) => generate(cfg));
  return new Map(
    files
      .filter((f) => f.path.startsWith('k8s/'))
      .map((f) => [f.path.slice('k8s/'.length), loadAll(f.content)]),
  );
}

function one(files: Map<string, unknown[]>, name: string): unknown {
  const docs = files.get(name);
  expect(docs, name).toHaveLength(1);
  return (docs as unknown[])[0];
}

const contains = (labels: Record<string, string> | undefined, selector: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

function parts(cfg?: Config) {
  const files = manifests(cfg);
  const deployment = one(files, 'deployment.yaml') as Deployment;
  const pod = deployment.spec?.template.spec as PodSpec;
  const byName = (name: string) => pod.containers.find((c) => c.name === name) as Container;
  return {
    files,
    deployment,
    pod,
    podLabels: deployment.spec?.template.metadata?.labels ?? {},
    service: one(files, 'service.yaml') as Service,
    serviceContainer: byName('service'),
    agentContainer: byName('agent'),
    configMap: one(files, 'configmap.yaml') as ConfigMap,
    monitor: one(files, 'servicemonitor.yaml') as ServiceMonitor,
    pdb: one(files, 'poddisruptionbudget.yaml') as PodDisruptionBudget,
    cronJob: one(files, 'variants/backup-cronjob.yaml') as CronJob,
  };
}

describe('the Kubernetes manifests', () => {
  it('are written by `aidb generate`, byte-identical on every run', () => {
    const first = generators.flatMap((generate) => generate(config()));
    const second = generators.flatMap((generate) => generate(config()));
    expect(second).toEqual(first);
    expect(
      first
        .filter((f) => f.path.startsWith('k8s/'))
        .map((f) => f.path)
        .sort(),
    ).toEqual([
      'k8s/configmap.yaml',
      'k8s/dashboards.yaml',
      'k8s/deployment.yaml',
      'k8s/kustomization.yaml',
      'k8s/networkpolicy.yaml',
      'k8s/persistentvolumeclaim.yaml',
      'k8s/poddisruptionbudget.yaml',
      'k8s/podmonitor.yaml',
      'k8s/prometheusrule.yaml',
      'k8s/service.yaml',
      'k8s/servicemonitor.yaml',
      'k8s/variants/backup-cronjob.yaml',
    ]);
  });

  it('list every top-level manifest in the kustomization, and nothing that is not written', () => {
    const files = manifests();
    const kustomization = one(files, 'kustomization.yaml') as { resources: string[] };
    const topLevel = [...files.keys()]
      .filter((name) => !name.includes('/') && name !== 'kustomization.yaml')
      .sort();
    expect(kustomization.resources).toEqual(topLevel);
  });

  it('select the pods by labels the pod template carries (Deployment, Service, PDB)', () => {
    const { deployment, podLabels, service, pdb } = parts();
    const selectors = [
      deployment.spec?.selector.matchLabels,
      service.spec?.selector,
      pdb.spec?.selector?.matchLabels,
    ];
    for (const selector of selectors) {
      expect(Object.keys(selector ?? {}).length).toBeGreaterThan(0);
      expect(contains(podLabels, selector ?? {})).toBe(true);
    }
    expect(deployment.spec?.replicas).toBeGreaterThan(pdb.spec?.minAvailable as number);
  });

  it('scrape the service through the Service and the agent through a PodMonitor, with the job names the rules select', () => {
    const cfg = config({ AIDB_SERVICE_JOB: 'kb', AIDB_AGENT_JOB: 'kb-agent' });
    const { service, monitor, files, podLabels } = parts(cfg);
    expect(contains(service.metadata?.labels, monitor.spec.selector.matchLabels ?? {})).toBe(true);
    expect((service.spec?.ports ?? []).map((p) => p.name)).toEqual(['http']);
    expect(monitor.spec.endpoints.map((e) => [e.port, e.path, e.relabelings])).toEqual([
      ['http', '/metrics', [{ targetLabel: 'job', replacement: 'kb' }]],
    ]);
    const pods = one(files, 'podmonitor.yaml') as PodMonitor;
    expect(contains(podLabels, pods.spec.selector.matchLabels ?? {})).toBe(true);
    expect(pods.spec.podMetricsEndpoints).toEqual([
      {
        port: 'agent',
        path: '/metrics',
        interval: '15s',
        authorization: { type: 'Bearer', credentials: { name: 'aidb', key: 'metrics-key' } },
        relabelings: [{ targetLabel: 'job', replacement: 'kb-agent' }],
      },
    ]);
  });

  it('publish the agent port on the Service only when generate.agentServicePort asks, and scrape it there', () => {
    const { service, monitor, files } = parts(config({ AIDB_K8S_AGENT_SERVICE_PORT: 'true' }));
    const servicePorts = (service.spec?.ports ?? []).map((p) => p.name);
    expect(servicePorts).toEqual(['http', 'agent']);
    expect(monitor.spec.endpoints.map((e) => [e.port, e.authorization])).toEqual([
      ['http', { type: 'Bearer', credentials: { name: 'aidb', key: 'metrics-key' } }],
      ['agent', { type: 'Bearer', credentials: { name: 'aidb', key: 'metrics-key' } }],
    ]);
    for (const endpoint of monitor.spec.endpoints) expect(servicePorts).toContain(endpoint.port);
    expect(files.has('podmonitor.yaml')).toBe(false);
  });

  it('admit API clients to the API port, only Prometheus to the agent port, and nothing else', () => {
    const { files, podLabels } = parts(config({ AIDB_K8S_PROMETHEUS_NAMESPACE: 'observability' }));
    const policy = one(files, 'networkpolicy.yaml') as NetworkPolicy;
    expect(contains(podLabels, policy.spec?.podSelector.matchLabels ?? {})).toBe(true);
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);
    expect(policy.spec?.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }] },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ port: 'agent', protocol: 'TCP' }],
      },
    ]);
  });

  it('admit the CA to the standalone ACME responder when the agent renews certificates', () => {
    const cfg = configFrom({
      agent: {
        jobs: {
          certificates: {
            challenge: { port: 8080 },
            termsOfServiceAgreed: true,
            certificates: [
              { domains: ['kb.example.org'], certFile: '/tls/cert.pem', keyFile: '/tls/key.pem' },
            ],
          },
        },
      },
    });
    const policy = one(manifests(cfg), 'networkpolicy.yaml') as NetworkPolicy;
    expect(policy.spec?.ingress?.at(-1)).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  it('validate against the Kubernetes and prometheus-operator schemas (kubernetes-models)', () => {
    for (const cfg of [config(), config({ AIDB_K8S_AGENT_SERVICE_PORT: 'true' })]) {
      const kinds: string[] = [];
      for (const [name, docs] of manifests(cfg)) {
        if (name === 'kustomization.yaml') continue;
        for (const doc of docs) {
          const { kind } = doc as { kind: string };
          const Model = models[kind];
          expect(Model, `${name}: a model for ${kind}`).toBeDefined();
          expect(() => {
            new (Model as ModelClass)(doc).validate();
          }, `${name} (${kind})`).not.toThrow();
          kinds.push(kind);
        }
      }
      expect(new Set(kinds)).toContain('NetworkPolicy');
    }
  });

  it('match ports across the Service, the containers and the ConfigMap', () => {
    const cfg = config({ AIDB_PORT: '8100', AIDB_AGENT_PORT: '9500' });
    const { service, serviceContainer, agentContainer, configMap } = parts(cfg);
    const containerPorts = new Map(
      [serviceContainer, agentContainer].flatMap((c) =>
        (c.ports ?? []).map((p) => [p.name, p.containerPort]),
      ),
    );
    for (const port of service.spec?.ports ?? []) {
      expect(containerPorts.get(port.targetPort as string)).toBe(port.port);
    }
    expect(containerPorts.get('http')).toBe(8100);
    expect(containerPorts.get('agent')).toBe(9500);
    expect(configMap.data?.AIDB_PORT).toBe('8100');
    expect(configMap.data?.AIDB_AGENT_PORT).toBe('9500');
    expect(configMap.data?.AIDB_AGENT_SERVICE_URL).toBe('http://127.0.0.1:8100');
    for (const container of [serviceContainer, agentContainer]) {
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata?.name } }]);
    }
  });

  it('probe the service on public GET routes of its route table, with the timings it declares', () => {
    const { serviceContainer } = parts();
    const publicGets = describedRoutes(config())
      .filter((r) => r.method === 'GET' && r.scope === 'public')
      .map((r) => r.path);
    const probes = {
      startup: serviceContainer.startupProbe,
      readiness: serviceContainer.readinessProbe,
      liveness: serviceContainer.livenessProbe,
    };
    for (const [name, probe] of Object.entries(probes)) {
      const spec = probeSpecs[name as keyof typeof probeSpecs];
      expect(publicGets).toContain(probe?.httpGet?.path);
      expect(probe).toEqual({
        httpGet: { path: spec.path, port: 'http' },
        periodSeconds: spec.periodSeconds,
        timeoutSeconds: spec.timeoutSeconds,
        failureThreshold: spec.failureThreshold,
        successThreshold: spec.successThreshold,
      });
    }
  });

  it('probe the agent on paths its server answers', async () => {
    const { agentContainer } = parts();
    const server = createAgentServer({
      host: '127.0.0.1',
      port: 0,
      renderMetrics: () => Promise.resolve(''),
      status: () => ({}) as AgentStatus,
      isReady: () => true,
      runJob: () => undefined,
      keys: () => [{ name: 'prometheus', scope: 'read', hash: hashKey('a-read-key-of-16+chars') }],
      readsRequireKey: true,
      logger: pino({ level: 'silent' }),
    });
    const base = await server.listen();
    try {
      const paths = [agentContainer.readinessProbe, agentContainer.livenessProbe].map(
        (probe) => probe?.httpGet?.path,
      );
      expect(paths).toEqual(['/health/ready', '/health/live']);
      // The kubelet sends no key: the probed paths must be public.
      for (const path of paths) {
        expect((await fetch(`${base}${String(path)}`)).status, path).toBe(200);
      }
      const metrics = (key?: string) =>
        fetch(`${base}/metrics`, {
          headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
        });
      expect((await metrics()).status).toBe(401);
      expect((await metrics('a-read-key-of-16+chars')).status).toBe(200);
      expect((await fetch(`${base}/health/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('start the agent compiled, with its V8 options as arguments of node, where node accepts them', () => {
    const { agentContainer } = parts();
    const command = agentContainer.command ?? [];
    const node = command.indexOf('node');
    const options = command.slice(node + 1, command.indexOf(compiledCli));
    expect(options).toEqual(agentNodeOptions);
    expect(
      command
        .filter((part) => !options.includes(part))
        .map((part) => (part === compiledCli ? 'bin/aidb.ts' : part)),
    ).toEqual(entrypoint);
    expect(agentContainer.args).toEqual(['agent']);
    const execArgv = execFileSync(
      process.execPath,
      [...options, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(execArgv)).toEqual([...options, '-e', expect.any(String)]);
    // What the manifests used to do: node refuses to start with these options in NODE_OPTIONS.
    expect(() =>
      execFileSync(process.execPath, ['-e', '0'], {
        env: { ...process.env, NODE_OPTIONS: options.join(' ') },
        stdio: 'pipe',
      }),
    ).toThrow(/not allowed in NODE_OPTIONS/);
    expect((agentContainer.env ?? []).map((e) => e.name)).not.toContain('NODE_OPTIONS');
  });

  it('refuse a dependency check timeout the kubelet would cut short', () => {
    expect(() => k8sFiles(config({ AIDB_HEALTH_CHECK_TIMEOUT_MS: '3000' }), [])).toThrow(
      'deploy: health.checkTimeoutMs (3000 ms) must be shorter than the readiness probe timeout (3000 ms)',
    );
  });

  it('give the service a grace period longer than its own shutdown deadline', () => {
    const { pod } = parts(config({ AIDB_SHUTDOWN_DEADLINE_MS: '60000' }));
    expect(pod.terminationGracePeriodSeconds).toBe(65);
  });

  it('reference only Secret keys that are secret settings of the config, never values', () => {
    const { serviceContainer, agentContainer, cronJob, files } = parts();
    const secretEnvs = new Set(
      describeSettings().flatMap((s) => (s.secret === true && s.env !== false ? [s.env] : [])),
    );
    const cronContainers = cronJob.spec?.jobTemplate.spec?.template.spec?.containers ?? [];
    const env = [serviceContainer, agentContainer, ...cronContainers].flatMap((c) => c.env ?? []);
    const refs = env.flatMap((e) =>
      e.valueFrom?.secretKeyRef === undefined ? [] : [{ env: e.name, ...e.valueFrom.secretKeyRef }],
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(secretEnvs).toContain(ref.key);
      expect(ref.env).toBe(ref.key);
      expect(ref.name).toBe('aidb');
    }
    // No secret setting is ever given a literal value.
    for (const e of env) if (secretEnvs.has(e.name)) expect(e.value).toBeUndefined();
    const agentKeys = (agentContainer.env ?? []).map((e) => e.name);
    expect(agentKeys).toEqual(
      expect.arrayContaining(['AIDB_AGENT_ADMIN_KEY', 'AIDB_BACKUP_IDENTITY']),
    );
    expect((serviceContainer.env ?? []).map((e) => e.name)).not.toContain('AIDB_BACKUP_IDENTITY');
    const kinds = [...files.values()].flat().map((doc) => (doc as { kind: string }).kind);
    expect(kinds).not.toContain('Secret');
  });

  it('scrape the service with a bearer key taken from the Secret by reference', () => {
    const { monitor } = parts();
    const metrics = describedRoutes(config()).find((r) => r.path === '/metrics');
    expect(metrics?.scope).not.toBe('public');
    expect(monitor.spec.endpoints[0]?.authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'aidb', key: 'metrics-key' },
    });
  });

  it('run every container non-root, read-only, without privilege escalation or capabilities', () => {
    const { pod, cronJob } = parts();
    const cronPod = cronJob.spec?.jobTemplate.spec?.template.spec as PodSpec;
    for (const spec of [pod, cronPod]) {
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser).toBe(1000);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toEqual({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources?.requests).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
        const volumes = (spec.volumes ?? []).map((v) => v.name);
        for (const mount of container.volumeMounts ?? []) expect(volumes).toContain(mount.name);
      }
    }
  });

  it('keep backups on the claim, shared by the agent and the CronJob', () => {
    const { files, pod, cronJob } = parts();
    const claim = one(files, 'persistentvolumeclaim.yaml') as { metadata: { name: string } };
    const cronPod = cronJob.spec?.jobTemplate.spec?.template.spec as PodSpec;
    for (const spec of [pod, cronPod]) {
      const claims = (spec.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim === undefined ? [] : [v.persistentVolumeClaim.claimName],
      );
      expect(claims).toEqual([claim.metadata.name]);
    }
  });

  it('run backups as a CronJob on the configured schedule, never two at once', () => {
    const cfg = config({
      AIDB_BACKUP_SCHEDULE: '15 1 * * *',
      AIDB_BACKUP_TIME_ZONE: 'Europe/Paris',
    });
    const { cronJob, agentContainer } = parts(cfg);
    const spec = cronJob.spec;
    expect(spec?.schedule).toBe('15 1 * * *');
    expect(spec?.timeZone).toBe('Europe/Paris');
    expect(spec?.concurrencyPolicy).toBe('Forbid');
    expect(spec?.startingDeadlineSeconds).toBe(cfg.generate.backupStaleGraceSeconds);
    expect(spec?.jobTemplate.spec?.activeDeadlineSeconds).toBeGreaterThan(0);
    const container = spec?.jobTemplate.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual(['backup', 'run', 'pg']);
    expect(container?.image).toBe(agentContainer.image);
    expect(spec?.jobTemplate.spec?.template.spec?.restartPolicy).toBe('Never');
  });

  it('run Qdrant backups as their own CronJob on their own schedule (03:00 by default)', () => {
    const cfg = config({
      AIDB_PROFILE: 'external',
      DATABASE_URL: 'postgres://db/aidb',
      QDRANT_URL: 'http://qdrant:6333',
    });
    const jobs = manifests(cfg).get('variants/backup-cronjob.yaml') as CronJob[];
    expect(
      jobs.map((job) => [
        job.metadata?.name,
        job.spec?.schedule,
        job.spec?.jobTemplate.spec?.template.spec?.containers[0]?.args,
      ]),
    ).toEqual([
      ['aidb-backup', '0 2 * * *', ['backup', 'run', 'pg']],
      ['aidb-backup-qdrant', '0 3 * * *', ['backup', 'run', 'qdrant']],
    ]);
  });

  it('ship each dashboard as a ConfigMap Grafana’s sidecar picks up', () => {
    const cfg = config();
    const dashboards = dashboardFiles(cfg).filter((f) => f.path.endsWith('.json'));
    const maps = manifests(cfg).get('dashboards.yaml') as ConfigMap[];
    expect(maps).toHaveLength(dashboards.length);
    for (const [index, map] of maps.entries()) {
      const file = dashboards[index];
      expect(map.metadata?.labels?.grafana_dashboard).toBe('1');
      expect(map.metadata?.annotations?.grafana_folder).toBe('aidb');
      expect(Object.values(map.data ?? {})).toEqual([file?.content]);
      expect(JSON.parse(Object.values(map.data ?? {})[0] as string)).toHaveProperty('uid');
    }
  });

  it('include the PrometheusRule of the alerts generator', () => {
    const rule = one(manifests(), 'prometheusrule.yaml') as {
      kind: string;
      spec: { groups: unknown[] };
    };
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.spec.groups.length).toBeGreaterThan(0);
  });

  it('parse as YAML with the generator header', () => {
    const files = generators.flatMap((generate) => generate(config()));
    for (const file of files.filter((f) => f.path.startsWith('k8s/'))) {
      expect(file.content.startsWith('# Generated by `aidb generate`')).toBe(true);
      expect(() => loadAll(file.content)).not.toThrow();
    }
  });
});
