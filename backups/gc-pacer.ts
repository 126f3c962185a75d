/**
 * Collects V8's young generation every few MiB a backup streams, when the process may
 * (`--expose-gc`, as the agent runs: agent/node-options.ts). Every MiB of a dump passes through
 * several fresh Buffers (pipe reads, zstd output, sealed chunks) whose memory lives outside the
 * JS heap. V8 collects that memory only once it has grown by a fixed 64 MB, and the stream
 * allocates too few JS objects to start a collection of its own sooner, so without this the
 * process carries tens of MB of dead Buffers at its peak: 183 → 122–126 MB over the 1 GiB
 * database at one collection every 8 MiB, 103–109 MB every 2 MiB, at the same speed
 * (bench/RESULTS.md). A young-generation collection of the agent's 2 MB semi-space takes
 * 0.1–0.5 ms: ~2,500 of them for a 2 GiB dump and its verification.
 */
import { Transform } from 'node:stream';

/**
 * How far apart the collections are. Peaks over the 1 GiB database: 151 MB at 32 MiB apart,
 * 125 at 8, 107 at 2 and 104 at 1 (the rest is the process, not the stream's garbage); the
 * backup took as long at 2 as at 8, and its verification 15.4–17.7 s against 18.5–18.8.
 */
export const collectEveryBytes = 2 * 1024 * 1024;

/** The collector `--expose-gc` gives the process, or undefined without the flag. */
export function exposedYoungCollector(): (() => void) | undefined {
  const collect = globalThis.gc;
  if (collect === undefined) return undefined;
  return () => {
    collect({ type: 'minor', execution: 'sync' });
  };
}

/**
 * A pass-through stage that collects each time another `everyBytes` have flowed through it;
 * none at all (an empty list, to spread into a pipeline) when the process cannot collect.
 */
export function pacingStage(
  collect: (() => void) | undefined = exposedYoungCollector(),
  everyBytes: number = collectEveryBytes,
): Transform[] {
  if (collect === undefined) return [];
  let since = 0;
  const stage = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      since += chunk.length;
      if (since >= everyBytes) {
        since = 0;
        collect();
      }
      callback(null, chunk);
    },
  });
  return [stage];
}
