import { Command } from 'commander';
import { createLogger } from '../../lib/logger.ts';
import { version } from '../../lib/version.ts';
import { loadCommandConfig } from '../config-option.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API service')
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command);
      const logger = createLogger({ level: config.logLevel, name: 'service' });
      // The tracing SDK is set up before the service's modules load, so every module sees the
      // registered tracer provider; hence the dynamic imports.
      const tracing = config.service.telemetry
        ? (await import('../../lib/telemetry/tracing.ts')).startTracing({
            serviceName: 'aidb',
            serviceVersion: version,
            env: process.env,
          })
        : undefined;
      const { startService } = await import('../../service/server.ts');
      const service = await startService(config, logger);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      logger.info({ signal }, 'shutting down');
      await service.close();
      await tracing?.shutdown();
    });
}
