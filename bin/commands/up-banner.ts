import type { Config } from '../../config/schema.ts';
import { localUrl, serviceUrl } from './local-url.ts';

export interface BannerInput {
  readonly config: Config;
  readonly pids: Readonly<Record<'service' | 'agent', number | undefined>>;
  /** The key file the embedded default writes when no API keys are configured (auth contract). */
  readonly keyFile: string;
  /** The agent's local key file, written when `agent.apiKeys` is unset. */
  readonly agentKeyFile: string;
}

/** What `aidb up` prints once the service is ready: where everything is. */
export function upBanner({ config, pids, keyFile, agentKeyFile }: BannerInput): string {
  const api = serviceUrl(config);
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
