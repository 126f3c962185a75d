import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { supervise } from '../../lib/supervisor.ts';
import { loadCommandConfig } from '../config-option.ts';

const cli = fileURLToPath(new URL('../aidb.ts', import.meta.url));

export function upCommand(): Command {
  return new Command('up')
    .description('Run the service and the agent on this machine (what `npm start` runs)')
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command);
      const configArgs = command.optsWithGlobals<{ config?: string }>().config;
      const passOn = configArgs === undefined ? [] : ['--config', configArgs];
      const supervisor = supervise(
        [
          {
            name: 'service',
            command: process.execPath,
            args: [cli, ...passOn, 'serve'],
            color: 36,
          },
        ],
        {
          write: (line) => process.stdout.write(`${line}\n`),
          colors: process.stdout.isTTY,
          killAfterMs: config.service.shutdownDeadlineMs + 1_000,
        },
      );
      process.stdout.write(
        `aidb up: service on http://${config.service.host}:${config.service.port} (profile ${config.profile}, data in ${config.dataDir}); Ctrl-C stops it\n`,
      );
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, supervisor.stop);
      process.exitCode = await supervisor.done;
    });
}
