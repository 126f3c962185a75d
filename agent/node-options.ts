/**
 * Node.js options the agent process runs with, as arguments of `node` (`aidb up` and the
 * Kubernetes manifests pass them; under another supervisor, start the agent with them).
 * NODE_OPTIONS cannot carry them: Node refuses `--optimize-for-size` in it.
 *
 * With V8's defaults the heap of an agent probing 200 targets a second grows to ~180 MB while
 * the live heap stays near 20 MB. `--optimize-for-size` (eager collection) and a 1 MB
 * semi-space keep the heap small, and one V8 worker thread instead of one per core saves their
 * stacks and per-thread allocation buffers: together 119 → 108 MB peak RSS in bench/agent.ts.
 * `--single-threaded` also does the collector's marking and the compilers' work on the main
 * thread, without their helper threads' memory: 96.5 → 90.9 MB, CPU per probe 0.44× → 0.45×
 * blackbox_exporter's (bench/RESULTS.md). A 2 MB semi-space instead of 1 MB: at 1,000 targets
 * × 10 s fewer objects of probes in flight are promoted, so the old generation's collections
 * (each marks the whole ~21 MB live set) come less often: 0.52× → 0.49× blackbox's CPU per probe,
 * the same peak RSS (111 MB; 94 → 92 MB at 200 × 1 s). Measured and left out: `--no-maglev
 * --no-opt` (−9 MB, but 0.56× blackbox's CPU), `--lite-mode` (−15 MB, +40 % CPU),
 * `--max-old-space-size=40` (no change: the collector already runs near the live set), a 4 MB
 * semi-space (no better than 2 MB), V8's defaults with these flags but `--optimize-for-size`
 * (+20 MB at 1,000 targets).
 * `--expose-gc` lets a backup collect the young generation every 2 MiB it streams, returning
 * the memory of dead stream Buffers long before V8 would by itself (backups/gc-pacer.ts): the
 * pipeline's peak over the 1 GiB database 183 → 103–107 MB at the same speed. Nothing else
 * calls it.
 */
export const agentNodeOptions = [
  '--optimize-for-size',
  '--max-semi-space-size=2',
  '--v8-pool-size=1',
  '--single-threaded',
  '--expose-gc',
] as const;
