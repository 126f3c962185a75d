/**
 * Node.js options the agent process runs with, as arguments of `node` (`aidb up` and the
 * Kubernetes manifests pass them; under another supervisor, start the agent with them).
 * NODE_OPTIONS cannot carry them: Node refuses `--optimize-for-size` there.
 *
 * With V8's defaults the heap of an agent probing 200 targets a second grows to ~180 MB while
 * the live heap stays near 20 MB. `--optimize-for-size` (eager collection) and a 1 MB
 * semi-space keep the heap small, and one V8 worker thread instead of one per core saves their
 * stacks and per-thread allocation buffers: together 119 → 108 MB peak RSS in bench/agent.ts
 * (bar 120 MB), at the same CPU.
 */
export const agentNodeOptions = [
  '--optimize-for-size',
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
] as const;
