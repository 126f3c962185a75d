import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { agentNodeOptions } from '../agent/node-options.ts';
import { formatTable } from '../agent/report.ts';
import { agentKeyFile, readLocalKey } from '../lib/local-key.ts';
import { freePort } from '../test/support/ports.ts';
import { waitFor } from '../test/support/wait.ts';
import { quick, type Figure } from './support/figures.ts';

// The bar: 200 HTTP targets probed every second, for a minute, on at most 10% of one
// core and 120 MB resident memory (ARCHITECTURE.md, "Bars the product must reach").
const targets = Number(process.env.BENCH_AGENT_TARGETS ?? 200);
// Quick mode measures 15 s instead of a minute: same rate, noisier CPU figure.
const seconds = Number(process.env.BENCH_AGENT_SECONDS ?? (quick ? 15 : 60));
const warmupSeconds = 5;
const bars = { cpuPercent: 10, peakRssMb: 120 };
const cliPath = fileURLToPath(new URL('../bin/aidb.ts', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** A stub of the probed service: every path answers 200 with a small JSON body. */
async function startStub(): Promise<{ port: number; requests: () => number; close: () => void }> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15, at 100 Hz). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ is 100 on Linux for every architecture it exposes to user space (man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
}

const stub = await startStub();
const dir = await mkdtemp(join(tmpdir(), 'aidb-bench-agent-'));
const agentPort = await freePort();
const configFile = join(dir, 'aidb.yaml');
await writeFile(
  configFile,
  dump({
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    agent: {
      port: agentPort,
      defaultTargets: false,
      targets: Array.from({ length: targets }, (_, i) => ({
        name: `t${String(i).padStart(3, '0')}`,
        probe: 'http',
        intervalMs: 1000,
        timeoutMs: 1000,
        options: { url: `http://127.0.0.1:${stub.port}/health/${i}` },
      })),
    },
  }),
);
const nodeOptions = process.env.BENCH_AGENT_NODE_OPTIONS?.split(' ') ?? agentNodeOptions;
const agent = spawn(process.execPath, [...nodeOptions, cliPath, 'agent', '--config', configFile], {
  env: { PATH: process.env.PATH ?? '' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const pid = agent.pid ?? 0;
try {
  await waitFor('the agent to become ready', async () => {
    const response = await fetch(`http://127.0.0.1:${agentPort}/health/ready`);
    return response.ok;
  });
  await sleep(warmupSeconds * 1000);
  const cpuStart = await cpuSeconds(pid);
  const requestsStart = stub.requests();
  const wallStart = performance.now();
  let maxRssKb = 0;
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    maxRssKb = Math.max(maxRssKb, await memoryKb(pid, 'VmRSS'));
  }
  const wall = (performance.now() - wallStart) / 1000;
  const cpu = (await cpuSeconds(pid)) - cpuStart;
  const peakRssKb = await memoryKb(pid, 'VmHWM');
  const probes = stub.requests() - requestsStart;
  const key = readLocalKey(join(dir, 'data'), agentKeyFile) ?? '';
  const metrics = await (
    await fetch(`http://127.0.0.1:${agentPort}/metrics`, {
      headers: { authorization: `Bearer ${key}` },
    })
  ).text();
  const failing = [...metrics.matchAll(/^probe_success\{.*\} 0$/gm)].length;

  const result = {
    benchmark: 'agent',
    targets,
    intervalSeconds: 1,
    seconds: Math.round(wall * 10) / 10,
    probesPerSecond: Math.round((probes / wall) * 10) / 10,
    failingTargetsAtEnd: failing,
    cpuPercentOfOneCore: Math.round((cpu / wall) * 1000) / 10,
    // The agent falls behind when the machine is overloaded; this scales CPU to the full rate.
    cpuPercentAtFullRate: Math.round((cpu / wall) * (targets / (probes / wall)) * 1000) / 10,
    machineLoadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    peakRssMb: Math.round(peakRssKb / 102.4) / 10,
    maxRssDuringRunMb: Math.round(maxRssKb / 102.4) / 10,
    bars,
    node: process.version,
    nodeOptions,
    date: new Date().toISOString(),
  };
  const pass = {
    cpu: result.cpuPercentAtFullRate <= bars.cpuPercent,
    rss: result.peakRssMb <= bars.peakRssMb,
  };
  console.log(
    formatTable([
      ['measure', 'value', 'bar', 'verdict'],
      ['targets × 1 s interval', String(targets), '200', ''],
      ['probes per second', String(result.probesPerSecond), String(targets), ''],
      ['failing targets at end', String(failing), '0', ''],
      [
        'agent CPU, % of one core',
        String(result.cpuPercentOfOneCore),
        `≤ ${bars.cpuPercent}`,
        pass.cpu ? 'pass' : 'FAIL',
      ],
      ['agent CPU scaled to the full probe rate, %', String(result.cpuPercentAtFullRate), '', ''],
      ['machine load average (1 min)', String(result.machineLoadAverage1m), '', ''],
      [
        'agent peak RSS, MB',
        String(result.peakRssMb),
        `≤ ${bars.peakRssMb}`,
        pass.rss ? 'pass' : 'FAIL',
      ],
      ['agent max RSS while measured, MB', String(result.maxRssDuringRunMb), '', ''],
    ]),
  );
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `agent-${result.date.replace(/[:.]/g, '-')}.json`);
  const figures: Figure[] = [
    {
      name: `agent CPU at ${targets} targets × 1 s, scaled to the full probe rate`,
      measured: result.cpuPercentAtFullRate,
      unit: '% of one core',
      bar: { op: '<=', value: bars.cpuPercent },
    },
    {
      name: 'agent peak RSS',
      measured: result.peakRssMb,
      unit: 'MB',
      bar: { op: '<=', value: bars.peakRssMb },
    },
  ];
  await writeFile(file, `${JSON.stringify({ ...result, pass, figures, quick }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  if (!pass.cpu || !pass.rss) process.exitCode = 1;
} finally {
  agent.kill('SIGTERM');
  stub.close();
  await rm(dir, { recursive: true, force: true });
}
