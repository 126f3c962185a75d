import { describe, expect, it } from 'vitest';
import { parseRecoveryLog } from '../../../backups/pitr/recovery-log.ts';
import { hotStandbyMinimums } from '../../../backups/pitr/control-data.ts';
import { findPasswdUser, resolveServerUser } from '../../../backups/pitr/server-user.ts';

// Lines as PostgreSQL 15 writes them with log_line_prefix '%m ' and lc_messages C (drill run).
const promotedAtTime = [
  '2026-12-06 21:12:40.101 UTC LOG:  starting point-in-time recovery to 2026-12-06 21:12:10.463+00',
  '2026-12-06 21:12:40.350 UTC LOG:  restored log file "000000010000000000000004" from archive',
  '2026-12-06 21:12:40.402 UTC LOG:  recovery stopping before commit of transaction 727, time 2026-12-06 21:12:10.543339+00',
  '2026-12-06 21:12:40.402 UTC LOG:  redo done at 0/4001AB8 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.05 s',
  '2026-12-06 21:12:40.402 UTC LOG:  last completed transaction was at log time 2026-12-06 21:12:10.428136+00',
  '2026-12-06 21:12:40.610 UTC LOG:  selected new timeline ID: 2',
  '2026-12-06 21:12:40.700 UTC LOG:  database system is ready to accept connections',
];

describe('parseRecoveryLog', () => {
  it('reads where a time target stopped, where replay ended and the new timeline', () => {
    expect(parseRecoveryLog(promotedAtTime)).toEqual({
      stop: 'recovery stopping before commit of transaction 727, time 2026-12-06 21:12:10.543339+00',
      redoDone: '0/4001AB8',
      lastTransaction: '2026-12-06 21:12:10.428136+00',
      timeline: 2,
      fatal: undefined,
    });
  });

  it('reports the first fatal line of a recovery that gave up, and nothing it did not say', () => {
    expect(
      parseRecoveryLog([
        '2026-12-06 21:13:00.001 UTC LOG:  starting archive recovery',
        '2026-12-06 21:13:00.900 UTC FATAL:  recovery ended before configured recovery target was reached',
        '2026-12-06 21:13:00.950 UTC LOG:  startup process (PID 4242) exited with exit code 1',
      ]),
    ).toEqual({
      stop: undefined,
      redoDone: undefined,
      lastTransaction: undefined,
      timeline: undefined,
      fatal: 'recovery ended before configured recovery target was reached',
    });
  });
});

describe('the server user', () => {
  const passwd =
    'root:x:0:0:root:/root:/bin/bash\npostgres:x:104:110:PostgreSQL:/var/lib/postgresql:/bin/bash\n';

  it('finds a user’s ids in /etc/passwd text', () => {
    expect(findPasswdUser(passwd, 'postgres')).toEqual({ name: 'postgres', uid: 104, gid: 110 });
    expect(findPasswdUser(passwd, 'nobody')).toBeUndefined();
  });

  it('is not needed when aidb does not run as root', async () => {
    await expect(
      resolveServerUser('postgres', 1000, () => Promise.resolve(passwd)),
    ).resolves.toBeUndefined();
  });

  it('as root, a missing or root user is one line naming the setting', async () => {
    await expect(resolveServerUser('pg', 0, () => Promise.resolve(passwd))).rejects.toThrow(
      'backups: PostgreSQL refuses to run as root and there is no user pg; set AIDB_BACKUP_PG_SERVER_USER (backups.pitr.serverUser) to an unprivileged user',
    );
    await expect(resolveServerUser('root', 0, () => Promise.resolve(passwd))).rejects.toThrow(
      'and root is root; set AIDB_BACKUP_PG_SERVER_USER',
    );
  });
});

describe('hotStandbyMinimums', () => {
  it('takes the five settings a hot standby needs from pg_controldata, under their server names', () => {
    const output = [
      'wal_level setting:                    replica',
      'max_connections setting:              300',
      'max_worker_processes setting:         8',
      'max_wal_senders setting:              10',
      'max_prepared_xacts setting:           0',
      'max_locks_per_xact setting:           128',
      'track_commit_timestamp setting:       off',
    ].join('\n');
    expect(hotStandbyMinimums(output)).toEqual({
      max_connections: '300',
      max_worker_processes: '8',
      max_wal_senders: '10',
      max_prepared_transactions: '0',
      max_locks_per_transaction: '128',
    });
  });
});
