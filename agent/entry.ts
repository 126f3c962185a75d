import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir, buildIsCurrent } from '../lib/build-stamp.ts';

export interface AgentEntry {
  /** The CLI script the agent process runs (`<script> agent`). */
  readonly script: string;
  /** True when it is compiled JavaScript: Node then never loads its TypeScript stripper. */
  readonly compiled: boolean;
}

const here = fileURLToPath(import.meta.url);

/**
 * The script to start the agent with: the compiled CLI when `npm run build` compiled the sources
 * as they are now (it saves the ~20 MB of TypeScript stripping in a process that runs beside
 * every replica), else `bin/aidb.ts` itself, so edited sources run as edited.
 */
export function agentEntry(isCurrent: (root: string) => boolean = buildIsCurrent): AgentEntry {
  // Already compiled (this file is build/agent/entry.js): the CLI beside it.
  if (here.endsWith('.js')) return { script: join(here, '../../bin/aidb.js'), compiled: true };
  const root = join(here, '../..');
  if (isCurrent(root)) return { script: join(root, buildDir, 'bin/aidb.js'), compiled: true };
  return { script: join(root, 'bin/aidb.ts'), compiled: false };
}
