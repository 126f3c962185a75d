import { Command } from 'commander';
import { createLogger } from '../../lib/logger.ts';
import { version } from '../../lib/version.ts';
import { StartupFailure } from '../../lib/startup-failure.ts';
import { ExitError, loadCommandConfig } from '../config-option.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API service')
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command);
      const logger = createLogger({
        level: config.logLevel,
        name: 'service',
        format: config.logFormat,
      });
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
      const { createShutdown } = await import('../../service/health/shutdown.ts');
      const service = await startService(config, logger).catch((error: unknown) => {
        // A condition the user can fix is one line and its own exit status, not a trace.
        if (error instanceof StartupFailure) throw new ExitError(error.message, error.exitCode);
        throw error;
      });
      const graceful = createShutdown({
        drain: () => {
          service.health.drain();
        },
        drainDelayMs: config.service.shutdownDrainDelayMs,
        deadlineMs: config.service.shutdownDeadlineMs,
        logger,
        steps: [
          { name: 'http server', run: () => service.app.close() },
          { name: 'dependencies', run: () => service.release() },
          { name: 'tracing', run: async () => tracing?.shutdown() },
        ],
        terminate: (code) => process.exit(code),
      });
      const drainSeconds = Math.round(config.service.shutdownDrainDelayMs / 1000);
      let interrupted = false;
      process.on('SIGTERM', () => void graceful.shutdown('SIGTERM'));
      process.on('SIGINT', () => {
        // A person at a terminal: say what the wait is, and let a second Ctrl-C end it.
        if (interrupted) process.exit(130);
        interrupted = true;
        if (process.stderr.isTTY)
          process.stderr.write(
            `aidb serve: draining (${String(drainSeconds)} s), Ctrl-C again to stop now\n`,
          );
        void graceful.shutdown('SIGINT');
      });
    });
}
