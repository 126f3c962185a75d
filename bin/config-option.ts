import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { exitCodes } from './exit-codes.ts';

/** Error that carries the exit status the CLI should end with. */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Loads the configuration for a command from `--config`, `AIDB_CONFIG` and the environment. */
export function loadCommandConfig(command: Command): LoadedConfig {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  try {
    return loadConfig({
      env: process.env,
      configPath: config,
      readFile: (path) => readFileSync(path, 'utf8'),
      isDirectory: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new ExitError(error.message, exitCodes.config);
    throw error;
  }
}
