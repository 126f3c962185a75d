import { Command } from 'commander';
import { localStatus } from '../../lib/local-status.ts';
import { probeSpecs } from '../../service/api/probes.ts';
import { ExitError, loadCommandConfig } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';
import { serviceUrl } from './local-url.ts';

/**
 * `aidb health`: whether the service on this host is live, over the configured scheme (HTTPS
 * when `tls.certFile` is set). The image's HEALTHCHECK runs it.
 */
export function healthCommand(): Command {
  return new Command('health')
    .description("Exit 0 when this host's service answers its liveness probe (HTTP or HTTPS)")
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command);
      const url = `${serviceUrl(config)}${probeSpecs.liveness.path}`;
      let status: number;
      try {
        status = await localStatus(
          url,
          AbortSignal.timeout(probeSpecs.liveness.timeoutSeconds * 1000),
        );
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
        throw new ExitError(`health: ${url} does not answer (${code})`, exitCodes.failure);
      }
      if (status !== 200)
        throw new ExitError(`health: ${url} answered ${String(status)}`, exitCodes.failure);
      process.stdout.write(`${url}: live\n`);
    });
}
