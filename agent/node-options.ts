/**
 * Node.js options the agent process runs with (`aidb up` should start it with these; set them
 * in NODE_OPTIONS when running `aidb agent` under a supervisor). With V8's defaults the heap
 * grows to ~180 MB under 200 probes a second although the live heap stays near 20 MB, and the
 * agent's resident memory passed 250 MB; `--optimize-for-size` (smaller young generation,
 * eager collection) kept it near 116 MB on this machine (bench/agent.ts; the bar is 120 MB).
 */
export const agentNodeOptions = ['--optimize-for-size'] as const;
