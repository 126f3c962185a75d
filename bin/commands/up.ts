import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentEntry } from '../../agent/entry.ts';
import { agentNodeOptions } from '../../agent/node-options.ts';
import { logFormats, type Config } from '../../config/schema.ts';
import type { Origins } from '../../config/load.ts';
import { agentKeyFile, ensureLocalKey, localKeyPath } from '../../lib/local-key.ts';
import { tryListen } from '../../lib/port-check.ts';
import { describeStartupFailure, type StartupTarget } from '../../lib/startup-failure.ts';
import { listensOn } from '../../lib/port-owner.ts';
import { supervise } from '../../lib/supervisor.ts';
import { waitUntilReady } from '../../lib/wait-until-ready.ts';
import { ExitError, loadCommandConfig } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { serviceUrl } from './local-url.ts';

type LogFormat = (typeof logFormats)[number];
import { upBanner } from './up-banner.ts';

const cli = fileURLToPath(new URL('../aidb.ts', import.meta.url));

/**
 * The agent probes the service at `agent.serviceUrl`; when nobody set it, point it at the service
 * this command starts, wherever `service.host`/`service.port` put it.
 */
function agentEnv(config: Config, origins: Origins, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (origins.has('agent.serviceUrl')) return env;
  return { ...env, AIDB_AGENT_SERVICE_URL: serviceUrl(config) };
}

/**
 * The children's log format: `--log-format`, else the configured one, else readable lines when
 * a person watches the terminal and JSON lines when the output goes to a file or a collector.
 */
function logFormat(option: LogFormat | undefined, config: Config, origins: Origins): LogFormat {
  if (option !== undefined) return option;
  if (origins.has('logFormat')) return config.logFormat;
  return process.stdout.isTTY ? 'pretty' : 'json';
}

/**
 * Refuses to start when an address is taken, with one line naming the setting: otherwise the
 * child would die of it, and another instance on the port could answer the readiness poll.
 */
async function checkAddresses(config: Config): Promise<void> {
  const targets: (StartupTarget & { readonly kind: 'listen'; readonly who: string })[] = [
    {
      kind: 'listen',
      who: 'service',
      host: config.service.host,
      port: config.service.port,
      portEnv: 'AIDB_PORT',
      hostEnv: 'AIDB_HOST',
    },
    {
      kind: 'listen',
      who: 'agent',
      host: config.agent.host,
      port: config.agent.port,
      portEnv: 'AIDB_AGENT_PORT',
      hostEnv: 'AIDB_AGENT_HOST',
    },
  ];
  for (const target of targets) {
    const error = await tryListen(target.host, target.port);
    if (error === undefined) continue;
    const failure = describeStartupFailure(error, target);
    const line =
      failure?.message ??
      `cannot listen on ${target.host}:${String(target.port)} (${(error as Error).message})`;
    throw new ExitError(
      `up: ${target.who}: ${line}; nothing was started`,
      failure?.exitCode ?? exitCodes.failure,
    );
  }
}

export function upCommand(): Command {
  return new Command('up')
    .description('Run the service and the agent on this machine (what `npm start` runs)')
    .addOption(
      new Option('--log-format <format>', 'json or pretty (default: pretty on a terminal)').choices(
        logFormats,
      ),
    )
    .action(async (options: { logFormat?: LogFormat }, command: Command) => {
      const { config, origins } = loadCommandConfig(command);
      const env = {
        ...process.env,
        AIDB_LOG_FORMAT: logFormat(options.logFormat, config, origins),
      };
      const configArgs = command.optsWithGlobals<{ config?: string }>().config;
      const passOn = configArgs === undefined ? [] : ['--config', configArgs];
      const write = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      write(
        `aidb up: starting service and agent (profile ${config.profile}, data in ${config.dataDir})…`,
      );
      await checkAddresses(config);
      // Made here, before either child starts, so the banner's key file exists when it is shown;
      // the agent reads the same file (ensureLocalKey keeps the first key written).
      if (config.agent.apiKeys === undefined) await ensureLocalKey(config.dataDir, agentKeyFile);
      const agent = agentEntry();
      if (!agent.compiled)
        write(
          'aidb up: the agent runs from TypeScript sources (~20 MB more memory); `npm run build` compiles them',
        );
      const supervisor = supervise(
        [
          {
            name: 'service',
            command: process.execPath,
            args: [cli, ...passOn, 'serve'],
            env,
            color: 36,
          },
          {
            name: 'agent',
            command: process.execPath,
            args: [...agentNodeOptions, agent.script, ...passOn, 'agent'],
            env: agentEnv(config, origins, env),
            color: 35,
          },
        ],
        {
          write,
          colors: process.stdout.isTTY,
          // The agent gives running jobs 25 s (agent/run.ts); the service its own deadline.
          killAfterMs: Math.max(config.service.shutdownDeadlineMs, 25_000) + 1_000,
        },
      );
      const drainSeconds = Math.round(config.service.shutdownDrainDelayMs / 1000);
      let signals = 0;
      const onSignal = (): void => {
        signals += 1;
        if (signals === 1) {
          write(`aidb up: draining (${String(drainSeconds)} s), Ctrl-C again to stop now`);
          supervisor.stop();
        } else {
          write('aidb up: stopping now');
          supervisor.kill();
        }
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);

      const gaveUp = new AbortController();
      void supervisor.done.then(() => {
        gaveUp.abort();
      });
      // Ready means ready and served by our own child: a process that took the port after the
      // check above must not be reported as this service (the child then dies and up with it).
      const ready = await waitUntilReady({
        url: `${serviceUrl(config)}/health/ready`,
        signal: gaveUp.signal,
        isOurs: async () => {
          const pid = supervisor.pids.service;
          return pid !== undefined && (await listensOn(pid, config.service.port)) !== false;
        },
      });
      if (ready) {
        write(
          upBanner({
            config,
            pids: { service: supervisor.pids.service, agent: supervisor.pids.agent },
            keyFile: localKeyPath(resolve(config.dataDir)),
            agentKeyFile: localKeyPath(resolve(config.dataDir), agentKeyFile),
          }),
        );
      }
      process.exitCode = await supervisor.done;
    });
}
