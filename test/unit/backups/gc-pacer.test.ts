import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { collectEveryBytes, pacingStage } from '../../../backups/gc-pacer.ts';

const run = promisify(execFile);
const mib = 1024 * 1024;

describe('pacingStage', () => {
  it('collects each time another step has flowed through, and passes every byte on', async () => {
    let collections = 0;
    const [stage] = pacingStage(() => (collections += 1), 100);
    if (stage === undefined) throw new Error('expected a pacing stage');
    const pieces = [10, 89, 1, 50, 49, 61, 740, 50].map((size) => Buffer.alloc(size, 'x'));
    const out: Buffer[] = [];
    await pipeline(Readable.from(pieces), stage, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    // Totals 10, 99, 100 → collect; 50, 99, 160 → collect; 740 → collect; 50.
    expect(collections).toBe(3);
    expect(Buffer.concat(out)).toEqual(Buffer.concat(pieces));
  });

  it('is no stage at all when the process cannot collect', () => {
    expect(pacingStage(undefined)).toEqual([]);
  });

  it('collects while a backup streams, in a process started with --expose-gc', async () => {
    const script = `
      import { Readable, Writable } from 'node:stream';
      import { generateX25519Identity, identityToRecipient } from 'age-encryption';
      import { writeEncrypted } from './backups/pipeline.ts';
      const recipient = await identityToRecipient(await generateX25519Identity());
      const chunk = Buffer.alloc(${String(mib)}, 'lorem ipsum ');
      await writeEncrypted({
        source: Readable.from((function* () { for (let i = 0; i < 48; i += 1) yield chunk; })()),
        sink: new Writable({ write(_c, _e, done) { done(); } }),
        recipients: [recipient],
        compressionLevel: 1,
        signal: new AbortController().signal,
      });`;
    const collected = async (flags: string[]): Promise<number> => {
      const { stdout } = await run(
        process.execPath,
        [...flags, '--trace-gc', '--input-type=module', '-e', script],
        { cwd: new URL('../../..', import.meta.url).pathname },
      );
      // V8 names a collection that `gc()` asked for "testing".
      return stdout.split('\n').filter((line) => line.includes('testing')).length;
    };
    // 48 MiB of plain bytes: one collection each time another collectEveryBytes have passed.
    expect(await collected(['--expose-gc'])).toBeGreaterThanOrEqual((48 * mib) / collectEveryBytes);
    expect(await collected([])).toBe(0);
  });
});
