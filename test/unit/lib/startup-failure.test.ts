import { describe, expect, it } from 'vitest';
import {
  describeStartupFailure,
  startupExitCodes,
  type StartupTarget,
} from '../../../lib/startup-failure.ts';

const listen: StartupTarget = {
  kind: 'listen',
  host: '127.0.0.1',
  port: 8091,
  hostEnv: 'AIDB_HOST',
  portEnv: 'AIDB_PORT',
};
const dataDir: StartupTarget = { kind: 'dataDir', path: '/srv/aidb', env: 'AIDB_DATA_DIR' };
const os = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe('describeStartupFailure', () => {
  const cases: readonly [string, StartupTarget, number, string][] = [
    [
      'EADDRINUSE',
      listen,
      80,
      'port 8091 is already in use (127.0.0.1:8091); set AIDB_PORT to a free port',
    ],
    [
      'EACCES',
      listen,
      81,
      'no permission to listen on port 8091 (127.0.0.1:8091); set AIDB_PORT to 1024 or above',
    ],
    [
      'EADDRNOTAVAIL',
      listen,
      82,
      '127.0.0.1 is not an address of this machine; set AIDB_HOST to one of its addresses (127.0.0.1, 0.0.0.0, ::)',
    ],
    [
      'ENOTFOUND',
      listen,
      82,
      '127.0.0.1 is not an address of this machine; set AIDB_HOST to one of its addresses (127.0.0.1, 0.0.0.0, ::)',
    ],
    [
      'EROFS',
      dataDir,
      83,
      'data directory /srv/aidb is on a read-only filesystem; set AIDB_DATA_DIR to a writable directory',
    ],
    [
      'EACCES',
      dataDir,
      84,
      'data directory /srv/aidb is not writable by this user; set AIDB_DATA_DIR to a directory it may write, or fix its permissions',
    ],
    [
      'ENOTDIR',
      dataDir,
      85,
      'data directory /srv/aidb is not a directory (it or a parent is a file); set AIDB_DATA_DIR to a directory',
    ],
    [
      'EEXIST',
      dataDir,
      85,
      'data directory /srv/aidb is not a directory (it or a parent is a file); set AIDB_DATA_DIR to a directory',
    ],
    [
      'ENOSPC',
      dataDir,
      87,
      'data directory /srv/aidb has no space left; free some or set AIDB_DATA_DIR elsewhere',
    ],
  ];

  it.each(cases)('%s while preparing %o: exit %i', (code, target, exitCode, message) => {
    const failure = describeStartupFailure(os(code), target);
    expect({ exitCode: failure?.exitCode, message: failure?.message }).toEqual({
      exitCode,
      message,
    });
  });

  it('leaves errors no setting can fix to surface as they are', () => {
    expect(describeStartupFailure(os('EIO'), dataDir)).toBeUndefined();
    expect(describeStartupFailure(new Error('no code'), listen)).toBeUndefined();
  });

  it('gives every condition its own exit status, none used by the CLI already', () => {
    const codes = Object.values(startupExitCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect([0, 1, 2, 75, 78]).not.toContain(code);
  });
});
