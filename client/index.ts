/** `aidb/client`: the typed client of the aidb HTTP API. */
export { createAidbClient } from './client.ts';
export type {
  AidbClient,
  CallOptions,
  ClientOptions,
  Collection,
  Document,
  DocumentList,
  EmbedInput,
  EmbedResponse,
  GcInput,
  GcResponse,
  IngestInput,
  ListDocumentsInput,
  ProbeAnswer,
  PutCollectionInput,
  SearchInput,
  SearchResponse,
  Snapshot,
} from './client.ts';
export { AidbApiError, AidbResponseError, type Problem, type ReasonCode } from './problem.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
