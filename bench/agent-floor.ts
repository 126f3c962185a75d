/**
 * `node bench/agent-floor.ts [--targets 200] [--seconds 30]`: the resident memory Node itself
 * needs for the agent's work, as a floor under bench/agent.ts' figure. A child Node with the
 * agent's options and nothing loaded but node:net opens one connection per target per second
 * to a local stub, sends a GET and reads the answer, as the agent's HTTP probe does; its peak
 * RSS is what no change to the agent's own code can go below. Run with and without V8's
 * optimizing compilers (Maglev, TurboFan), whose code and memory are part of that floor, and with
 * an endpoint as every agent needs one: node:http serving the last results, scraped every 15 s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { agentNodeOptions } from '../agent/node-options.ts';
import { formatTable } from '../agent/report.ts';
import { freePort } from '../test/support/ports.ts';
import { mb, memoryKb } from './support/proc-stats.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
  },
});
const targets = Number(values.targets);
const seconds = Number(values.seconds);

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"status":"ok"}');
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

// The probe loop of the child: plain JavaScript, so no TypeScript stripping is loaded.
const probeLoop = `
import { connect } from 'node:net';
const last = new Array(${String(targets)}).fill(0);
if (process.env.FLOOR_PORT !== undefined) {
  const { createServer } = await import('node:http');
  createServer((_request, response) => {
    response.end(last.map((value, i) => 'probe_success{target="t' + i + '"} ' + value + '\\n').join(''));
  }).listen(Number(process.env.FLOOR_PORT), '127.0.0.1');
}
for (let i = 0; i < ${String(targets)}; i++) {
  setInterval(() => {
    const socket = connect(${String(port)}, '127.0.0.1', () =>
      socket.write('GET /floor/' + i + ' HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\nconnection: close\\r\\n\\r\\n'));
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => {
      if (!Buffer.concat(chunks).toString().startsWith('HTTP/1.1 200')) process.exit(1);
      last[i] = 1;
    });
    socket.on('error', () => undefined);
  }, 1000);
}`;

async function peakRss(extra: readonly string[], endpoint = false): Promise<number> {
  const port = endpoint ? await freePort() : undefined;
  const child = spawn(
    process.execPath,
    [...agentNodeOptions, ...extra, '--input-type=module', '-e', probeLoop],
    { stdio: 'inherit', env: port === undefined ? {} : { FLOOR_PORT: String(port) } },
  );
  // Scraped from here every 15 s, as Prometheus scrapes the agent in bench/agent.ts.
  for (let waited = 0; waited < seconds; waited += 15) {
    await sleep(Math.min(15, seconds - waited) * 1000);
    if (port !== undefined) await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
  }
  const peak = mb(await memoryKb(child.pid ?? 0, 'VmHWM'));
  child.kill();
  await once(child, 'exit');
  return peak;
}

const rows = [
  ['Node, agent options', await peakRss([])],
  ['Node, agent options, --no-maglev --no-opt', await peakRss(['--no-maglev', '--no-opt'])],
  ['Node, agent options, with an HTTP endpoint', await peakRss([], true)],
] as const;
server.close();
console.log(
  formatTable([
    [`floor at ${String(targets)} targets × 1 s, ${String(seconds)} s`, 'peak RSS, MB'],
    ...rows.map(([name, value]) => [name, String(value)]),
  ]),
);
