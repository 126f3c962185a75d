import { httpProbePhases, type HttpProbePhase } from '../../catalog/labels.ts';
import { probeHttpStatusCode, probeSslEarliestCertExpiry } from '../../catalog/metrics/probes.ts';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { parseJsonPath, selectJsonPath } from '../../lib/json-path.ts';
import { version } from '../../lib/version.ts';
import { earliestCertExpiry } from './certificates.ts';
import { exchange, type Timeline } from './http-exchange.ts';
import { MalformedResponse } from './http-response.ts';
import { ProbeFailure, type Probe } from './probe.ts';

export type HttpOptions = Omit<ProbeOptionsConfig['http'], 'bearerTokenFile'> & {
  /** Read from `bearerTokenFile`; sent as `Authorization: Bearer …`. */
  readonly bearerToken?: string | undefined;
};

// A health answer is small; a larger body fails the probe rather than grow the agent's memory
// (its bar is 120 MB resident for 200 targets).
const bodyLimitBytes = 1024 * 1024;

/** Phase durations in seconds, blackbox_exporter's split; unreached phases are 0. */
export function phasesOf(t: Timeline): Record<HttpProbePhase, number> {
  const span = (from: number | undefined, to: number | undefined): number =>
    from === undefined || to === undefined ? 0 : Math.max(0, to - from) / 1000;
  return {
    resolve: span(t.start, t.lookup),
    connect: span(t.lookup ?? t.start, t.connect),
    tls: span(t.connect, t.secure),
    processing: span(t.secure ?? t.connect, t.response),
    transfer: span(t.response, t.end),
  };
}

function checkStatus(status: number, valid: readonly number[]): void {
  const ok = valid.length === 0 ? status >= 200 && status <= 299 : valid.includes(status);
  if (!ok) {
    const expected = valid.length === 0 ? '2xx' : valid.join(', ');
    throw new ProbeFailure('unexpected_status', `http: status ${status}, expected ${expected}`);
  }
}

function checkBody(body: string, options: HttpOptions): void {
  if (options.bodyRegex !== undefined && !new RegExp(options.bodyRegex).test(body)) {
    throw new ProbeFailure('body_mismatch', `http: body does not match /${options.bodyRegex}/`);
  }
  const condition = options.bodyJsonPath;
  if (condition === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ProbeFailure('invalid_response', 'http: body is not JSON', { cause: error });
  }
  const actual = selectJsonPath(parsed, parseJsonPath(condition.path));
  if (!Object.is(actual, condition.equals)) {
    const shown = actual === undefined ? 'missing' : JSON.stringify(actual);
    throw new ProbeFailure(
      'body_mismatch',
      `http: ${condition.path} is ${shown}, expected ${JSON.stringify(condition.equals)}`,
    );
  }
}

interface Request {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
}

// A target's options never change: its URL is parsed and its headers put together once, not at
// every probe (less garbage per probe, so fewer collections at 1,000 targets).
const requests = new WeakMap<HttpOptions, Request>();

function requestOf(options: HttpOptions): Request {
  let request = requests.get(options);
  if (request === undefined) {
    const headers: Record<string, string> = {
      'user-agent': `aidb-agent/${version}`,
      accept: '*/*',
      ...options.headers,
    };
    if (options.bearerToken !== undefined) headers.authorization = `Bearer ${options.bearerToken}`;
    request = { url: new URL(options.url), headers };
    requests.set(options, request);
  }
  return request;
}

/** One HTTP(S) request on a fresh connection, timed by phase, with status and body checks. */
export const http: Probe<HttpOptions> = async (options, { signal, record }) => {
  const timeline: Timeline = { start: performance.now() };
  const { url, headers } = requestOf(options);
  let status = 0;
  try {
    // exchange() gives up by itself when the signal fires (it destroys its sockets).
    const response = await exchange({
      url,
      method: options.method,
      headers,
      tlsVerify: options.tlsVerify,
      bodyLimitBytes,
      signal,
      timeline,
      onSecure: (socket) => {
        const expiry = earliestCertExpiry(socket);
        if (expiry !== undefined) record.set(probeSslEarliestCertExpiry, expiry);
      },
    });
    status = response.status;
    checkStatus(status, options.validStatusCodes);
    checkBody(response.body.toString('utf8'), options);
  } catch (error) {
    if (error instanceof MalformedResponse) {
      throw new ProbeFailure('invalid_response', error.message, { cause: error });
    }
    throw error;
  } finally {
    record.set(probeHttpStatusCode, status);
    const phases = phasesOf(timeline);
    for (const phase of httpProbePhases) record.phase(phase, phases[phase]);
  }
};
