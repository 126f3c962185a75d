#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ExitError } from './config-option.ts';
import { exitCodes } from './exit-codes.ts';
import { createProgram } from './program.ts';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof ExitError) {
    process.stderr.write(`aidb: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof CommanderError) {
    // Commander reports help and version as "errors" with exit status 0; everything else it
    // rejects is a usage error.
    process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  } else {
    throw error;
  }
}
