import type { Config } from '../../config/schema.ts';

export interface BannerInput {
  readonly config: Config;
  readonly pids: Readonly<Record<'service' | 'agent', number | undefined>>;
  /** The key file the embedded default writes when no API keys are configured (auth contract). */
  readonly keyFile: string;
  /** The agent's local key file, written when `agent.apiKeys` is unset. */
  readonly agentKeyFile: string;
}

/** The URL of a listener from this machine: a wildcard address is reached through loopback. */
export function localUrl(host: string, port: number): string {
  const reachable =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/** What `aidb up` prints once the service is ready: where everything is. */
export function upBanner({ config, pids, keyFile, agentKeyFile }: BannerInput): string {
  const api = localUrl(config.service.host, config.service.port);
  const agent = localUrl(config.agent.host, config.agent.port);
  const pid = (value: number | undefined): string => (value === undefined ? '?' : String(value));
  return [
    `aidb up: ready (profile ${config.profile})`,
    `  API           ${api}  (OpenAPI: ${api}/openapi.json, pid ${pid(pids.service)})`,
    `  metrics       ${api}/metrics (service), ${agent}/metrics (agent)`,
    `  agent status  ${agent}/status, or \`aidb agent status\` (pid ${pid(pids.agent)})`,
    `  health        ${api}/health/ready`,
    `  data dir      ${config.dataDir}`,
    `  API key       ${keyFile} (admin key of the embedded default, when no keys are configured)`,
    `  agent key     ${agentKeyFile} (admin key of the agent’s endpoint, when agent.apiKeys is unset)`,
    `  dashboards    \`aidb generate --out out\` writes dashboards, rules, runbooks and manifests`,
    '  Ctrl-C stops both.',
  ].join('\n');
}
