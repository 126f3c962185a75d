#!/bin/sh
//bin/true; d=$(dirname "$(readlink -f "$0")"); n="$d/../node_modules/.bin/node"; [ -x "$n" ] || n=node; "$n" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' 2>/dev/null || { echo "aidb: needs Node.js 24 (found $("$n" --version 2>/dev/null || echo no node)); run \`npx aidb\` in the checkout or put Node.js 24 first on PATH" >&2; exit 1; }; exec "$n" "$0" "$@"
// The line above is both a comment to Node and a shell script: launched directly, the file runs
// itself under the checkout's pinned Node (node_modules/.bin/node) or the `node` on PATH, and
// says which Node it needs instead of Node 20's ERR_UNKNOWN_FILE_EXTENSION.
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
