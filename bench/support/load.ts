/**
 * The load bench:overhead and bench:http-framework put on a service: `concurrency` loops
 * sending one request after another for a fixed time, on `/health/live` (the cheapest route)
 * and on search (a real query: embedding, vector search, rows).
 */
export type Endpoint = 'live' | 'search';

export const concurrency = 16;

const json = (headers: Readonly<Record<string, string>>) => ({
  ...headers,
  'content-type': 'application/json',
});

/** Requests completed per second on `endpoint` over `seconds`; any error answer stops the run. */
export async function throughput(
  url: string,
  endpoint: Endpoint,
  seconds: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const request = (i: number): Promise<Response> =>
    endpoint === 'live'
      ? fetch(`${url}/health/live`)
      : fetch(`${url}/v1/collections/bench/search`, {
          method: 'POST',
          headers: json(headers),
          body: JSON.stringify({ query: `green tea steeping ${String(i % 50)}` }),
        });
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const response = await request(done);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${endpoint}: ${String(response.status)}`);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - started) / 1000);
}

/** The collection the search load queries: 100 short documents on one topic. */
export async function seedBenchCollection(
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const put = await fetch(`${url}/v1/collections/bench`, {
    method: 'PUT',
    headers: json(headers),
    body: '{}',
  });
  if (!put.ok) throw new Error(`PUT collection: ${String(put.status)}`);
  const documents = Array.from({ length: 100 }, (_, i) => ({
    id: `d${String(i)}`,
    content: `Document ${String(i)} on green tea, steeping times and water temperature.`,
  }));
  const ingest = await fetch(`${url}/v1/collections/bench/documents`, {
    method: 'POST',
    headers: json(headers),
    body: JSON.stringify({ documents }),
  });
  if (!ingest.ok) throw new Error(`POST documents: ${String(ingest.status)}`);
}

/**
 * What one round records: by default its throughput; `run` is the round itself (requests per
 * second), so a measure can read other figures around it.
 */
export type RoundMeasure<M extends string, T> = (mode: M, run: () => Promise<number>) => Promise<T>;

/**
 * Throughput of two services side by side on both endpoints: a warm-up (JIT, pools, caches),
 * then `rounds` rounds that alternate which goes first, so machine noise hits both alike.
 */
export async function alternatingRounds<M extends string, T = number>(
  services: Readonly<Record<M, string>>,
  order: readonly [M, M],
  options: {
    readonly rounds: number;
    readonly seconds: number;
    readonly headers?: Record<string, string>;
    readonly measure?: RoundMeasure<M, T>;
  },
): Promise<Record<Endpoint, Record<M, T[]>>> {
  const [first, second] = order;
  const measure = options.measure ?? ((_mode, run) => run() as Promise<unknown> as Promise<T>);
  const samples = {
    live: { [first]: [], [second]: [] },
    search: { [first]: [], [second]: [] },
  } as unknown as Record<Endpoint, Record<M, T[]>>;
  for (const endpoint of ['live', 'search'] as const) {
    for (const mode of order) await throughput(services[mode], endpoint, 2, options.headers);
    for (let round = 0; round < options.rounds; round += 1) {
      const turn = round % 2 === 0 ? order : ([second, first] as const);
      for (const mode of turn)
        samples[endpoint][mode].push(
          await measure(mode, () =>
            throughput(services[mode], endpoint, options.seconds, options.headers),
          ),
        );
    }
  }
  return samples;
}
