/**
 * Collects V8's young generation every few MiB a backup streams, when the process may
 * (`--expose-gc`, as the agent runs: agent/node-options.ts). Every MiB of a dump passes through
 * several fresh Buffers (pipe reads, zstd output, sealed chunks) whose memory lives outside the
 * JS heap. V8 collects that memory only once it has grown by a fixed 64 MB, and the stream
 * allocates too few JS objects to start a collection of its own sooner, so without this the
 * process carries tens of MB of dead Buffers at its peak: 183 → 121–129 MB over the 1 GiB
 * database, at the same speed (bench/RESULTS.md). A young-generation collection of the agent's
 * 2 MB semi-space takes about a millisecond.
 */
import { Transform } from 'node:stream';

/** How far apart the collections are: 32 MiB apart left a 151 MB peak where 8 left 125. */
export const collectEveryBytes = 8 * 1024 * 1024;

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
