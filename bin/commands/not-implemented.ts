import type { Command } from 'commander';
import { loadCommandConfig } from '../config-option.ts';
import { exitCodes } from '../exit-codes.ts';

/** Placeholder action for commands a later change fills in; it still validates the config. */
export function notImplemented(name: string): (options: unknown, command: Command) => void {
  return (_options, command) => {
    loadCommandConfig(command);
    process.stderr.write(`aidb ${name}: not implemented yet\n`);
    process.exitCode = exitCodes.failure;
  };
}
