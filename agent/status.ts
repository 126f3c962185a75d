import type { CertificateStatus } from './certificates/manager.ts';
import type { TargetStatus } from './runner.ts';
import type { JobStatus } from './scheduler.ts';

/** The agent's state as its parts report it (camelCase, as in the code). */
export interface AgentStatus {
  readonly targets: readonly TargetStatus[];
  readonly jobs: readonly JobStatus[];
  readonly certificates: readonly CertificateStatus[];
}

type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

type SnakeKeys<T> = T extends readonly (infer Item)[]
  ? readonly SnakeKeys<Item>[]
  : T extends object
    ? { readonly [K in keyof T as K extends string ? SnakeCase<K> : K]: SnakeKeys<T[K]> }
    : T;

/** The `/status` document: snake_case keys, like the service's API. */
export type AgentStatusDocument = SnakeKeys<AgentStatus>;

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [snakeCase(key), snakeKeys(item)]),
  );
}

export function statusDocument(status: AgentStatus): AgentStatusDocument {
  return snakeKeys(status) as AgentStatusDocument;
}
