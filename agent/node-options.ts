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
 * blackbox_exporter's (bench/RESULTS.md). Measured and left out: `--no-maglev --no-opt` (−9 MB,
 * but 0.56× blackbox's CPU), `--lite-mode` (−15 MB, +40 % CPU), `--max-old-space-size=40` (no
 * change: the collector already runs near the live set).
 */
export const agentNodeOptions = [
  '--optimize-for-size',
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
  '--single-threaded',
] as const;
