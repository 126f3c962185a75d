/**
 * The user a private PostgreSQL server runs as. PostgreSQL refuses to run as root, so an agent
 * running as root starts it as an unprivileged user (`backups.pitr.serverUser`) and gives it
 * the scratch directory; any other user runs it as itself.
 */
import { readFile } from 'node:fs/promises';
import { BackupError } from '../errors.ts';

export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The user's ids from /etc/passwd text (`name:x:uid:gid:…`). Pure. */
export function findPasswdUser(passwd: string, name: string): ServerUser | undefined {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** undefined: this process is not root and runs the server itself. */
export async function resolveServerUser(
  name: string,
  uid: number | undefined = process.getuid?.(),
  passwd: () => Promise<string> = () => readFile('/etc/passwd', 'utf8'),
): Promise<ServerUser | undefined> {
  if (uid !== 0) return undefined;
  const user = findPasswdUser(await passwd().catch(() => ''), name);
  if (user === undefined || user.uid === 0) {
    throw new BackupError(
      'other',
      `backups: PostgreSQL refuses to run as root and ${user === undefined ? `there is no user ${name}` : `${name} is root`}; set AIDB_BACKUP_PG_SERVER_USER (backups.pitr.serverUser) to an unprivileged user`,
    );
  }
  return user;
}
