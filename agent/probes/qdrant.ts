import { probeQdrantCollections } from '../../catalog/metrics/probes.ts';
import type { ProbeOptionsConfig } from '../../config/sections/agent-targets.ts';
import { ProbeFailure, type Probe } from './probe.ts';

export type QdrantOptions = Omit<ProbeOptionsConfig['qdrant'], 'apiKeyFile'> & {
  /** Read from `apiKeyFile`, or `QDRANT_API_KEY` for the default target; sent as `api-key`. */
  readonly apiKey?: string | undefined;
};

async function get(options: QdrantOptions, path: string, signal: AbortSignal): Promise<Response> {
  const url = `${options.url.replace(/\/$/, '')}${path}`;
  const headers = options.apiKey === undefined ? undefined : { 'api-key': options.apiKey };
  const response = await fetch(url, { headers, signal });
  if (!response.ok) {
    await response.body?.cancel();
    const reason =
      response.status === 401 || response.status === 403 ? 'auth' : 'unexpected_status';
    throw new ProbeFailure(reason, `qdrant: GET ${path} answered ${response.status}`);
  }
  return response;
}

/**
 * Qdrant's readiness endpoint (`GET /readyz`, 200 once all shards are ready) and its
 * collection list (`GET /collections` → `{ result: { collections: [{ name }] } }`).
 */
export const qdrant: Probe<QdrantOptions> = async (options, { signal, record }) => {
  await (await get(options, '/readyz', signal)).body?.cancel();
  const body = (await (await get(options, '/collections', signal)).json()) as {
    result?: { collections?: unknown };
  };
  const collections = body.result?.collections;
  if (!Array.isArray(collections)) {
    throw new ProbeFailure(
      'invalid_response',
      'qdrant: /collections has no result.collections list',
    );
  }
  record.set(probeQdrantCollections, collections.length);
};
