import type { ProbeKind } from '../../catalog/labels.ts';
import { http, type HttpOptions } from './http.ts';
import type { Probe } from './probe.ts';
import { postgres, type PostgresOptions } from './postgres.ts';
import { qdrant, type QdrantOptions } from './qdrant.ts';
import { redis, type RedisOptions } from './redis.ts';
import { tcp, type TcpOptions } from './tcp.ts';
import { tls, type TlsOptions } from './tls.ts';

/** Options each kind runs with: the config file's, with secrets read from their files. */
export interface ProbeOptions {
  readonly http: HttpOptions;
  readonly tcp: TcpOptions;
  readonly tls: TlsOptions;
  readonly postgres: PostgresOptions;
  readonly redis: RedisOptions;
  readonly qdrant: QdrantOptions;
}

/** Every probe kind, by name; the compiler checks the keys against the catalog's `probeKinds`. */
export const probes = { http, tcp, tls, postgres, redis, qdrant } as const satisfies {
  readonly [K in ProbeKind]: Probe<ProbeOptions[K]>;
};
