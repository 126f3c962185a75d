import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentKeyFile, readLocalKey } from '../../../lib/local-key.ts';
import { freePort } from '../../support/ports.ts';
import { waitFor } from '../../support/wait.ts';

const fixture = fileURLToPath(new URL('./fixtures/agent-with-job.ts', import.meta.url));

/** Whether a process of the group still runs; zombies (dead, not yet reaped by init) do not. */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the parenthesised command: state, ppid, pgrp (proc(5)).
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

describe('graceful shutdown of the agent process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s cancels a running job, kills its process group, removes its scratch files and exits 0',
    async (signal) => {
      const port = await freePort();
      const scratch = mkdtempSync(join(tmpdir(), 'aidb-scratch-parent-'));
      const child = spawn(process.execPath, [fixture], {
        env: {
          PATH: process.env.PATH ?? '',
          AIDB_AGENT_PORT: String(port),
          AIDB_AGENT_DEFAULT_TARGETS: 'false',
          AIDB_DATA_DIR: join(scratch, 'data'),
          SCRATCH_PARENT: scratch,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        'the agent to become ready',
        async () => (await fetch(`${url}/health/ready`)).ok,
      );
      const key = readLocalKey(join(scratch, 'data'), agentKeyFile) ?? '';
      const run = fetch(`${url}/jobs/backup/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      }).then((r) => r.json() as Promise<{ result: string }>);
      let pgid = 0;
      await waitFor('the job to start its process group', () => {
        const dir = readdirSync(scratch).find((d) => d.startsWith('aidb-shutdown-test-'));
        if (dir === undefined) return false;
        pgid = Number(readFileSync(join(scratch, dir, 'pgid'), 'utf8').trim() || 0);
        return pgid > 0 && groupAlive(pgid);
      });

      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];

      expect({
        code,
        outcome: (await run).result,
        groupAlive: groupAlive(pgid),
        scratchLeft: readdirSync(scratch).filter((d) => d !== 'data'),
      }).toEqual({ code: 0, outcome: 'cancelled', groupAlive: false, scratchLeft: [] });
    },
  );
});
