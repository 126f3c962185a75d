import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { formatProbe, formatStatus } from '../../agent/report.ts';
import type { JobOutcome } from '../../agent/scheduler.ts';
import type { AgentStatusDocument } from '../../agent/status.ts';
import { resolveTargets, type Target } from '../../agent/targets.ts';
import { dependencies } from '../../catalog/dependencies.ts';
import type { Config } from '../../config/schema.ts';
import { agentKeyFile, readLocalKey } from '../../lib/local-key.ts';
import { createLogger } from '../../lib/logger.ts';
import { describeStartupFailure } from '../../lib/startup-failure.ts';
import { ExitError, loadCommandConfig } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { probeJson } from '../json-output.ts';
import type { HttpProbePhase } from '../../catalog/labels.ts';

const readFile = (path: string): string => readFileSync(path, 'utf8');

function agentUrl(config: Config, override: string | undefined): string {
  return (override ?? `http://${config.agent.host}:${config.agent.port}`).replace(/\/$/, '');
}

/** The key the CLI sends: `agent.key`, else the agent's local key in the data directory. */
function agentKey(config: Config): string | undefined {
  return config.agent.key ?? readLocalKey(config.dataDir, agentKeyFile);
}

async function call(
  config: Config,
  url: string,
  init: { readonly method: 'GET' | 'POST' } = { method: 'GET' },
): Promise<Response> {
  const key = agentKey(config);
  try {
    return await fetch(url, {
      method: init.method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(init.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      signal: AbortSignal.timeout(init.method === 'GET' ? 10_000 : 24 * 3600_000),
    });
  } catch (error) {
    // undici puts the system error in `cause`, or a list of them when several addresses failed.
    const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? String(error);
    throw new ExitError(
      `agent: cannot reach ${url} (${reason}); is \`aidb agent\` running?`,
      exitCodes.failure,
    );
  }
}

/** One line for a refused key (401/403), naming the setting that fixes it. */
async function refusal(
  command: string,
  response: Response,
  scope: 'read' | 'admin',
): Promise<ExitError | undefined> {
  if (response.status !== 401 && response.status !== 403) return undefined;
  let reason = String(response.status);
  try {
    const problem = (await response.json()) as { code?: unknown; detail?: unknown };
    reason = `${reason} ${String(problem.code)}: ${String(problem.detail)}`;
  } catch {
    // Not problem+json: the status says enough.
  }
  return new ExitError(
    `agent ${command}: the agent refused the key (${reason}); set AIDB_AGENT_KEY or AIDB_AGENT_KEY_FILE to ${scope === 'admin' ? 'an admin' : 'a read'} key of agent.apiKeys`,
    exitCodes.failure,
  );
}

function targetsOf(config: Config) {
  try {
    return resolveTargets(config, readFile);
  } catch (error) {
    throw new ExitError((error as Error).message, exitCodes.config);
  }
}

/**
 * The target named, or for a dependency the agent does not probe directly (the embedded
 * database and embedder live in the service) the service's readiness, which checks it.
 */
function targetOrReadiness(targets: readonly Target[], name: string): Target | undefined {
  const own = targets.find((t) => t.name === name);
  if (own !== undefined || !(name in dependencies)) return own;
  return targets.find((t) => t.name === 'service-ready');
}

export function agentCommand(): Command {
  const agent = new Command('agent')
    .description('Run the agent: probes, scheduled jobs, metrics and status')
    .action(async (_options, command: Command) => {
      const { config } = loadCommandConfig(command);
      const logger = createLogger({
        level: config.logLevel,
        name: 'agent',
        format: config.logFormat,
      });
      targetsOf(config);
      // Loaded here, not at the top: other commands need not carry the agent and its clients.
      const [{ createAgent }, { runUntilSignal }] = await Promise.all([
        import('../../agent/agent.ts'),
        import('../../agent/run.ts'),
      ]);
      try {
        await runUntilSignal(createAgent({ config, logger, readFile }), logger);
      } catch (error) {
        const failure = describeStartupFailure(error, {
          kind: 'listen',
          host: config.agent.host,
          port: config.agent.port,
          portEnv: 'AIDB_AGENT_PORT',
          hostEnv: 'AIDB_AGENT_HOST',
        });
        if (failure !== undefined)
          throw new ExitError(`agent: ${failure.message}`, failure.exitCode);
        throw error;
      }
    });

  agent
    .command('status')
    .description("Show the running agent's targets and jobs; exit 1 when a target is down")
    .option('--url <url>', 'agent endpoint (default: http://agent.host:agent.port)')
    .option('--json', "print the agent's /status document as it is")
    .action(async (options: { url?: string; json?: boolean }, command: Command) => {
      const { config } = loadCommandConfig(command);
      const url = `${agentUrl(config, options.url)}/status`;
      const response = await call(config, url);
      const refused = await refusal('status', response, 'read');
      if (refused !== undefined) throw refused;
      if (!response.ok)
        throw new ExitError(`agent: ${url} answered ${response.status}`, exitCodes.failure);
      const status = (await response.json()) as AgentStatusDocument;
      process.stdout.write(
        options.json === true ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status),
      );
      const down = status.targets.filter((t) => t.state === 'down').map((t) => t.name);
      if (down.length > 0) {
        process.stderr.write(`aidb agent status: down: ${down.join(', ')}\n`);
        process.exitCode = exitCodes.failure;
      }
    });

  agent
    .command('probe')
    .description('Probe one target now and show its phases and values')
    .argument('<target>', 'target name, as in `aidb agent status`')
    .option('--json', 'print the outcome, phases and values as JSON (README, "JSON output")')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const { config } = loadCommandConfig(command);
      const targets = targetsOf(config);
      const target = targetOrReadiness(targets, name);
      if (target === undefined) {
        const known = targets.map((t) => t.name).join(', ');
        throw new ExitError(`agent probe: no target ${name} (targets: ${known})`, exitCodes.usage);
      }
      if (target.name !== name)
        process.stderr.write(
          `aidb agent probe: ${name} has no probe of its own in this configuration (embedded in the service, or reached only through it); probing ${target.name}, whose answer includes it\n`,
        );
      const phases = new Map<HttpProbePhase, number>();
      const gauges = new Map<string, number>();
      const { runProbe } = await import('../../agent/run-probe.ts');
      const outcome = await runProbe(target, {
        set: (def, value) => gauges.set(def.name, value),
        phase: (phase, seconds) => phases.set(phase, seconds),
      });
      const values = { phases, gauges };
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(probeJson(target, outcome, values), null, 2)}\n`
          : formatProbe(target, outcome, values),
      );
      if (!outcome.success) process.exitCode = exitCodes.failure;
    });

  agent
    .command('run-job')
    .description('Ask the running agent to run a job now and wait for its outcome')
    .argument('<job>', 'job name (gc, backup, verify, prune, certificates)')
    .option('--url <url>', 'agent endpoint (default: http://agent.host:agent.port)')
    .action(async (job: string, options: { url?: string }, command: Command) => {
      const { config } = loadCommandConfig(command);
      const url = `${agentUrl(config, options.url)}/jobs/${encodeURIComponent(job)}/run`;
      const response = await call(config, url, { method: 'POST' });
      const refused = await refusal('run-job', response, 'admin');
      if (refused !== undefined) throw refused;
      if (response.status === 404) {
        throw new ExitError(
          `agent run-job: no job ${job} is configured in the running agent`,
          exitCodes.usage,
        );
      }
      if (!response.ok)
        throw new ExitError(`agent: ${url} answered ${response.status}`, exitCodes.failure);
      const outcome = (await response.json()) as JobOutcome;
      const detail = outcome.error === null ? '' : `: ${outcome.error}`;
      process.stdout.write(
        `${outcome.job} ${outcome.result} in ${outcome.durationSeconds.toFixed(3)} s${detail}\n`,
      );
      if (outcome.result !== 'success') process.exitCode = exitCodes.failure;
    });
  return agent;
}
