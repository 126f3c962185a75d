import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from '../../lib/logger.ts';
import { loadTlsMaterial, type TlsMaterial, type TlsPaths } from './certificate-files.ts';

export interface TlsReloaderDeps {
  readonly paths: TlsPaths;
  readonly intervalMs: number;
  /** Puts new material in service (the server's `setSecureContext`). */
  readonly apply: (material: TlsMaterial) => void;
  /** Told of every reload: the new expiry on success, the error when the old pair stays. */
  readonly onReload: (result: { ok: true; notAfter: number } | { ok: false; error: Error }) => void;
  readonly logger: Logger;
}

export interface TlsReloader {
  stop(): void;
}

// The agent replaces the key, then the certificate, each by an atomic rename: waiting a moment
// after the first change lets both land before the pair is read.
const settleMs = 200;

/**
 * Polls the certificate files (a poll sees a rename, which an inotify watch on the old inode
 * does not) and swaps the new pair in. A pair that fails to load is reported and the server
 * keeps serving the previous one: a half-written or mismatched renewal must not take HTTPS down.
 */
export function watchTlsFiles(deps: TlsReloaderDeps): TlsReloader {
  const { paths, logger } = deps;
  const files = [
    paths.certFile,
    paths.keyFile,
    ...(paths.caFile === undefined ? [] : [paths.caFile]),
  ];
  let timer: NodeJS.Timeout | undefined;
  let loading = Promise.resolve();
  let stopped = false;

  const reload = (): void => {
    timer = undefined;
    loading = loading.then(async () => {
      if (stopped) return;
      try {
        const material = await loadTlsMaterial(paths);
        deps.apply(material);
        logger.info(
          { file: paths.certFile, notAfter: material.notAfter },
          'tls: certificate reloaded',
        );
        deps.onReload({ ok: true, notAfter: material.notAfter });
      } catch (error) {
        logger.error(
          { err: error },
          'tls: new certificate files refused; still serving the previous certificate',
        );
        deps.onReload({ ok: false, error: error as Error });
      }
    });
  };
  const changed = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(reload, settleMs);
    timer.unref();
  };
  for (const file of files) {
    watchFile(file, { interval: deps.intervalMs, persistent: false }, changed);
  }
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const file of files) unwatchFile(file, changed);
    },
  };
}
