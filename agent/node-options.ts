/**
 * Node.js options the agent process runs with (`aidb up` starts it with these; set them in
 * NODE_OPTIONS when running `aidb agent` under a supervisor). A small young generation keeps
 * the agent's resident memory within its 120 MB bar: with V8's defaults the new space grows to
 * tens of megabytes under 200 probes a second although the live heap stays near 20 MB
 * (bench/agent.ts, ARCHITECTURE.md "Bars").
 */
export const agentNodeOptions = ['--max-semi-space-size=1'] as const;
