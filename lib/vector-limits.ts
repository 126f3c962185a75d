/**
 * The widest vector every index of every profile can serve: pgvector's HNSW index takes at most
 * 2,000 dimensions of `vector` (pgvector README, "Indexing"); exact SQL and Qdrant take more, but
 * a collection must stay servable whichever index the profile ends up with. The embeddings
 * setting and the API's schemas both stop here.
 */
export const maxDimension = 2000;
