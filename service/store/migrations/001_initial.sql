-- The knowledge base. Collection names are values in a column, never SQL identifiers.

CREATE TABLE collections (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  description text NOT NULL DEFAULT '',
  dimension integer NOT NULL CHECK (dimension BETWEEN 2 AND 4096),
  ttl_seconds integer CHECK (ttl_seconds > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Documents are listed in id order ("C" collation: byte order, stable under concurrent writes),
-- which makes keyset pagination exact: no row is skipped or repeated across pages.
CREATE TABLE documents (
  collection_id bigint NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  id text COLLATE "C" NOT NULL,
  title text,
  content text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  source text,
  content_sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection_id, id)
);

CREATE INDEX documents_updated_at ON documents (collection_id, updated_at);

-- One row per embedded piece of a document. The embedding is float4[]: every PostgreSQL has
-- it, the exact-search index reads it directly, and pgvector casts it to vector.
CREATE TABLE chunks (
  collection_id bigint NOT NULL,
  document_id text COLLATE "C" NOT NULL,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  content text NOT NULL,
  embedding real[] NOT NULL,
  PRIMARY KEY (collection_id, document_id, chunk_index),
  FOREIGN KEY (collection_id, document_id) REFERENCES documents (collection_id, id) ON DELETE CASCADE
);
