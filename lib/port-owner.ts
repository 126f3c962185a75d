import { readFile, readdir, readlink } from 'node:fs/promises';

const listenState = '0A';

/**
 * Inodes of the sockets listening on `port` in a `/proc/net/tcp` or `tcp6` table (Linux): each
 * line holds `local_address` as hex `ADDR:PORT`, the state (`0A` is LISTEN) and the inode.
 */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (local === undefined || state !== listenState || inode === undefined) continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.push(inode);
  }
  return inodes;
}

/**
 * Whether process `pid` holds a socket listening on TCP `port`: true or false on Linux, where
 * `/proc` tells; undefined where it cannot be told. `aidb up` asks it of the service it started,
 * so that another process answering on the same port is never taken for its child.
 */
export async function listensOn(pid: number, port: number): Promise<boolean | undefined> {
  let inodes: string[];
  try {
    const tables = await Promise.all(
      ['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')),
    );
    if (tables.every((t) => t === '')) return undefined;
    inodes = tables.flatMap((table) => listeningInodes(table, port));
  } catch {
    return undefined;
  }
  if (inodes.length === 0) return false;
  const sockets = new Set(inodes.map((inode) => `socket:[${inode}]`));
  let fds: string[];
  try {
    fds = await readdir(`/proc/${String(pid)}/fd`);
  } catch {
    // The process is gone (or not ours to inspect): it does not listen there.
    return false;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/${String(pid)}/fd/${fd}`).catch(() => '');
    if (sockets.has(target)) return true;
  }
  return false;
}
