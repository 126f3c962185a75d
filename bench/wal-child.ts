/**
 * The agent's WAL archiver alone (bench/backup-pitr.ts): streams and archives until SIGTERM,
 * printing one JSON line per archived file (with the time archiving it took) and one per second
 * with its resident memory.
 */
import { performance } from 'node:perf_hooks';
import { walArchive } from '../backups/wal/archive.ts';
import { startWalReceiver } from '../backups/wal/receiver.ts';
import { createLogger } from '../lib/logger.ts';

const [url, repositoryDir, spoolDir, recipient, binDir, switchMs] = process.argv.slice(2);
if (
  url === undefined ||
  repositoryDir === undefined ||
  spoolDir === undefined ||
  recipient === undefined
)
  throw new Error(
    'usage: wal-child.ts <url> <repository> <spool> <recipient> <bin dir> <switch ms>',
  );
const archive = walArchive({
  repositoryDir,
  recipients: [recipient],
  identities: [],
  compressionLevel: 3,
});
// Times each put: the archive's own put, wrapped.
const timed = {
  ...archive,
  async put(path: string, name: string, signal: AbortSignal) {
    const started = performance.now();
    const entry = await archive.put(path, name, signal);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `${JSON.stringify({ archived: name, archivedAt: entry.archivedAt, bytes: entry.plain.bytes, seconds })}\n`,
    );
    return entry;
  },
};
const controller = new AbortController();
process.on('SIGTERM', () => {
  controller.abort();
});
const timer = setInterval(() => {
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
}, 1000);
const receiver = startWalReceiver(
  {
    connection: { url, binDir },
    slot: 'aidb_bench',
    spoolDir,
    archive: timed,
    logger: createLogger({ level: 'warn', name: 'bench-wal' }),
    switchIntervalMs: Number(switchMs ?? '10000'),
    pollMs: 200,
  },
  controller.signal,
);
await receiver.done;
clearInterval(timer);
