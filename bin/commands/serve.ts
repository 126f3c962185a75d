import { Command } from 'commander';
import { createLogger } from '../../lib/logger.ts';
import { startService } from '../../service/server.ts';
import { loadCommandConfig } from '../config-option.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API service')
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command);
      const logger = createLogger({ level: config.logLevel, name: 'service' });
      const service = await startService(config, logger);
      await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      }).then(async (signal) => {
        logger.info({ signal }, 'shutting down');
        await service.close();
      });
    });
}
