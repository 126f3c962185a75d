import { rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamConsumer, type TargetDriver } from '../../../backups/driver.ts';
import { createBackupEngine } from '../../../backups/engine.ts';
import { createRepository } from '../../../backups/repository.ts';
import type { BackupTarget } from '../../../catalog/labels.ts';
import { createLogger } from '../../../lib/logger.ts';
import { generateKeys, scratchDir, testPolicy, type Keys } from './fixtures.ts';

/** A target whose one part is a few KiB of text, read back by a consumer that only drains it. */
function textDriver(target: BackupTarget): TargetDriver {
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return {
    target,
    source: {
      target,
      description: {},
      tools: () => Promise.resolve({}),
      parts: () =>
        Readable.from([
          {
            name: 'datadir',
            format: 'pglite-datadir-tar' as const,
            stream: Readable.from([Buffer.from('level test '.repeat(1_000))]),
            failureReason: 'dump_failed' as const,
            finish: () => Promise.resolve({}),
            close: () => Promise.resolve(),
          },
        ]),
    },
    archiveReader: () =>
      streamConsumer(
        new Writable({
          write(_chunk, _encoding, callback) {
            callback();
          },
        }),
      ),
    scratchRestore: unused,
    dropLeftovers: () => Promise.resolve([]),
    restore: unused,
  };
}

describe('compression level per target', () => {
  let keys: Keys;
  let dir: string;

  beforeAll(async () => {
    keys = await generateKeys();
    dir = await scratchDir('compression-level');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a target with its own level, the others at the common one', async () => {
    const engine = createBackupEngine({
      repository: createRepository(dir),
      drivers: { postgres: textDriver('postgres'), pglite: textDriver('pglite') },
      recipients: [keys.recipient],
      identities: [keys.identity],
      compressionLevel: 3,
      targetCompressionLevels: { postgres: 1 },
      retention: testPolicy,
      logger: createLogger({ level: 'silent', name: 'backup-test' }),
      tools: { aidb: 'test' },
    });
    const signal = new AbortController().signal;
    const levels: Record<string, number> = {};
    for (const target of ['postgres', 'pglite'] as const) {
      const outcome = await engine.run(target, signal);
      if (outcome.status !== 'success') throw new Error(JSON.stringify(outcome));
      levels[target] = outcome.manifest.compression.level;
    }
    expect(levels).toEqual({ postgres: 1, pglite: 3 });
  });
});
