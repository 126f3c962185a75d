import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walArchive, type WalArchive } from '../../../backups/wal/archive.ts';
import { startWalServer, type WalServer } from '../../../backups/pitr/wal-server.ts';
import { generateKeys } from './fixtures.ts';

const client = fileURLToPath(new URL('../../../backups/pitr/wal-client.ts', import.meta.url));
const segment = '000000010000000000000007';

/** Runs the restore_command's client as PostgreSQL would: in the data directory. */
function fetchWal(
  cwd: string,
  socket: string,
  name: string,
  path: string,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [client, socket, name, path], { cwd }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stderr });
    });
  });
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('the WAL server behind a private server’s restore_command', () => {
  let dir: string;
  let dataDir: string;
  let archive: WalArchive;
  let server: WalServer;
  const content = 'sixteen MiB of WAL, in spirit\n';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aidb-walserver-'));
    dataDir = join(dir, 'data');
    await mkdir(join(dataDir, 'pg_wal'), { recursive: true });
    const keys = await generateKeys();
    archive = walArchive({
      repositoryDir: join(dir, 'repository'),
      recipients: [keys.recipient],
      identities: [keys.identity],
      compressionLevel: 3,
    });
    await writeFile(join(dir, segment), content);
    await archive.put(join(dir, segment), segment, new AbortController().signal);
    server = await startWalServer({
      archive,
      socketPath: join(dir, 'wal.sock'),
      dataDir,
      user: undefined,
      signal: new AbortController().signal,
    });
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an archived file where PostgreSQL asked, inside pg_wal/, and exits 0', async () => {
    const result = await fetchWal(dataDir, join(dir, 'wal.sock'), segment, 'pg_wal/RECOVERYXLOG');
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(await readFile(join(dataDir, 'pg_wal', 'RECOVERYXLOG'), 'utf8')).toBe(content);
  });

  it('exits 1 silently for a file the archive does not have: the end of the archive', async () => {
    const result = await fetchWal(
      dataDir,
      join(dir, 'wal.sock'),
      '000000010000000000000008',
      'pg_wal/RECOVERYXLOG2',
    );
    expect(result).toEqual({ code: 1, stderr: '' });
    expect(await exists(join(dataDir, 'pg_wal', 'RECOVERYXLOG2'))).toBe(false);
  });

  it('writes nothing outside pg_wal/, whatever path it is given', async () => {
    const result = await fetchWal(dataDir, join(dir, 'wal.sock'), segment, '../escaped');
    expect(result.code).toBe(1);
    expect(await exists(join(dir, 'escaped'))).toBe(false);
  });

  it('exits 1 naming the file and the reason when the stored file is damaged, and lists it', async () => {
    const stored = join(archive.dir, `${segment}.zst.age`);
    const bytes = await readFile(stored);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    await writeFile(stored, bytes);
    const result = await fetchWal(dataDir, join(dir, 'wal.sock'), segment, 'pg_wal/RECOVERYXLOG3');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^aidb wal-client: ${segment}: cannot decrypt`));
    expect(server.failures()).toEqual([result.stderr.trim().replace('aidb wal-client: ', '')]);
    expect(await exists(join(dataDir, 'pg_wal', 'RECOVERYXLOG3'))).toBe(false);
  });
});
