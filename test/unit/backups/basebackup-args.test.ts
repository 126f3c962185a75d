import { describe, expect, it } from 'vitest';
import { basebackupArgs, canCompressOnServer } from '../../../backups/postgres/basebackup.ts';

describe('where a base backup is compressed', () => {
  const v15 = 'pg_basebackup (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)';
  const v14 = 'pg_basebackup (PostgreSQL) 14.13';

  it('on the server when client and server are PostgreSQL 15 or later', () => {
    expect(canCompressOnServer(v15, 150020)).toBe(true);
    expect(canCompressOnServer('pg_basebackup (PostgreSQL) 17.2', 170002)).toBe(true);
  });

  it('in the pipeline when either end is older, or the version is unreadable', () => {
    expect(canCompressOnServer(v14, 150020)).toBe(false);
    expect(canCompressOnServer(v15, 140013)).toBe(false);
    expect(canCompressOnServer('pg_basebackup', 150020)).toBe(false);
  });

  it('asks for server-side zstd at the level, without the backup_manifest it could not inject', () => {
    expect(basebackupArgs(1)).toEqual([
      '--pgdata=-',
      '--format=tar',
      '--wal-method=fetch',
      '--checkpoint=fast',
      '--compress=server-zstd:level=1',
      '--no-manifest',
      '--verbose',
      '--no-password',
    ]);
  });

  it('keeps the uncompressed tar (and its backup_manifest) for the client-side path', () => {
    const args = basebackupArgs(undefined);
    expect(args.some((arg) => arg.startsWith('--compress'))).toBe(false);
    expect(args).not.toContain('--no-manifest');
  });
});
