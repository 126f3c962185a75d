import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { createAgent, type Agent } from '../../../agent/agent.ts';
import type { Job } from '../../../agent/jobs/job.ts';
import type { AgentStatusDocument } from '../../../agent/status.ts';
import type { Config } from '../../../config/schema.ts';
import { loadConfig } from '../../../config/load.ts';
import { agentKeyFile, readLocalKey } from '../../../lib/local-key.ts';
import { createLogger } from '../../../lib/logger.ts';
import { freePort } from '../../support/ports.ts';

/** The configuration `aidb` would load from this YAML file content and environment. */
export function configFrom(
  file: Record<string, unknown>,
  env: Record<string, string> = {},
): Config {
  const path = '/virtual/aidb.yaml';
  return loadConfig({
    env,
    configPath: path,
    readFile: (p) => (p === path ? dump(file) : readFileSync(p, 'utf8')),
  }).config;
}

export interface TestAgent {
  readonly agent: Agent;
  readonly url: string;
  readonly dataDir: string;
  /** The agent's local admin key (no `agent.apiKeys` configured), else undefined. */
  readonly key: string | undefined;
  /** A request to the agent's endpoint carrying `key`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** GET /status with `key`. */
  status(): Promise<AgentStatusDocument>;
  /** POST /jobs/{name}/run with `key`. */
  runJob(name: string): Promise<Response>;
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/** An agent in this process on a free port, with its own data directory. */
export async function startTestAgent(
  file: Record<string, unknown>,
  options: { env?: Record<string, string>; jobs?: readonly Job[]; dataDir?: string } = {},
): Promise<TestAgent> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aidb-agent-test-'));
  const agentSection = (file.agent ?? {}) as Record<string, unknown>;
  const config = configFrom(
    { logLevel: 'silent', dataDir, ...file, agent: { port: await freePort(), ...agentSection } },
    options.env,
  );
  const agent = createAgent({
    config,
    logger: createLogger({ level: 'silent', name: 'agent' }),
    readFile: (path) => readFileSync(path, 'utf8'),
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    env: {},
  });
  const url = await agent.start();
  const key = readLocalKey(dataDir, agentKeyFile);
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  return {
    agent,
    url,
    dataDir,
    key,
    request,
    status: async () => (await (await request('/status')).json()) as AgentStatusDocument,
    runJob: (name) =>
      request(`/jobs/${name}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      }),
    scrape: async () => (await request('/metrics')).text(),
    stop: () => agent.stop(),
  };
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples of a Prometheus text exposition (no escaped quotes occur in the agent's labels). */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] !== undefined && type[2] !== undefined) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample?.[1] === undefined || sample[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g,
    )) {
      if (key !== undefined && value !== undefined) labels[key] = value;
    }
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

/** The value of the one sample with this name whose labels include `labels`. */
export function valueOf(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const found = parseExposition(text).samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1)
    throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}
