import { z } from 'zod';
import { probeDependencies, type ProbeKind } from '../../catalog/labels.ts';
import { parseJsonPath } from '../../lib/json-path.ts';
import { httpUrl, millis, port } from './primitives.ts';

/**
 * Probe targets as written in the config file (`agent.targets`). One options object per kind,
 * named after it, as blackbox_exporter modules have one section per prober. Secrets are never
 * written here: each is read from the file a `…File` option names.
 */

/** Names of the targets the agent derives from the rest of the configuration. */
export const defaultTargetNames = [
  'service-live',
  'service-ready',
  'service-startup',
  'postgres',
  'redis',
  'qdrant',
] as const;

const secretFile = z.string().min(1);

function hasNoPassword(url: string): boolean {
  try {
    return new URL(url).password === '';
  } catch {
    return true;
  }
}

/** A server URL of the given schemes that carries no password (it belongs in `passwordFile`). */
function serverUrl(schemes: RegExp) {
  return z
    .url({ protocol: schemes })
    .refine(hasNoPassword, 'must not contain a password; put it in the file passwordFile names');
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function parses(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}

const http = z
  .object({
    url: httpUrl,
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    /** Empty means any 2xx, as in blackbox_exporter. */
    validStatusCodes: z.array(z.number().int().min(100).max(599)).default([]),
    headers: z
      .record(
        // RFC 9110 §5.1 token characters; values without control characters (no CR/LF injection).
        z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'is not a valid header name'),
        z
          .string()
          .refine(
            (value) => !Array.from(value).some((c) => (c < ' ' && c !== '\t') || c === '\x7f'),
            'must not contain control characters',
          ),
      )
      .default({}),
    bearerTokenFile: secretFile.optional(),
    tlsVerify: z.boolean().default(true),
    bodyRegex: z.string().refine(compiles, 'is not a valid regular expression').optional(),
    bodyJsonPath: z
      .object({
        path: z.string().min(1).refine(parses, 'is not a supported JSON path ($.a.b[0])'),
        equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      })
      .strict()
      .optional(),
  })
  .strict();

const tcp = z.object({ host: z.string().min(1), port }).strict();

const tls = z
  .object({
    host: z.string().min(1),
    port,
    /** SNI name and the name the certificate must carry; default `host`. */
    serverName: z.string().min(1).optional(),
    /** CA bundle (PEM) that signs the chain; default the system store. */
    caFile: z.string().min(1).optional(),
    verifyChain: z.boolean().default(true),
    verifyHostname: z.boolean().default(true),
  })
  .strict();

const postgres = z
  .object({
    url: serverUrl(/^postgres(ql)?$/),
    passwordFile: secretFile.optional(),
    /** A query returning one numeric column: the replication lag in seconds. */
    replicationLagQuery: z.string().min(1).optional(),
  })
  .strict();

const redis = z
  .object({ url: serverUrl(/^rediss?$/), passwordFile: secretFile.optional() })
  .strict();

const qdrant = z.object({ url: httpUrl, apiKeyFile: secretFile.optional() }).strict();

/** Per-target overrides of `agent.probeDefaults`. */
const timing = {
  intervalMs: millis.optional(),
  timeoutMs: millis.optional(),
  failureThreshold: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  initialDelayMs: z.number().int().min(0).optional(),
};

const targetName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,62}$/,
    'must be 1 to 63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

function targetOf<K extends ProbeKind, O extends z.ZodType>(probe: K, options: O) {
  return z
    .object({
      name: targetName,
      probe: z.literal(probe),
      dependency: z.enum(probeDependencies).default('none'),
      ...timing,
      options,
    })
    .strict();
}

/** One schema per probe kind; the compiler checks the keys against the catalog's kinds. */
const targetSchemas = {
  http: targetOf('http', http),
  tcp: targetOf('tcp', tcp),
  tls: targetOf('tls', tls),
  postgres: targetOf('postgres', postgres),
  redis: targetOf('redis', redis),
  qdrant: targetOf('qdrant', qdrant),
} as const satisfies Record<ProbeKind, z.ZodObject>;

type TargetSchema = (typeof targetSchemas)[ProbeKind];

export const targetSchema = z.discriminatedUnion(
  'probe',
  Object.values(targetSchemas) as [TargetSchema, ...TargetSchema[]],
);

export type TargetConfig = z.output<typeof targetSchema>;
export type ProbeOptionsConfig = {
  [K in ProbeKind]: z.output<(typeof targetSchemas)[K]>['options'];
};
