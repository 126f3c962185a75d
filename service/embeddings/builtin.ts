import { normalize, type Embedder } from './embedder.ts';

/**
 * The built-in embedder is lexical, not semantic: it hashes words, word pairs and character
 * trigrams into a fixed number of dimensions (feature hashing with a sign bit) and L2-normalises
 * the result. Texts that share words score high; synonyms do not. It needs no model download and
 * is deterministic, which is what the embedded profile and the tests need; point EMBEDDINGS_URL at
 * a real model for semantic search.
 */

// FNV-1a, 32 bits: fast, well distributed for short strings, and stable across platforms.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const wordPattern = /[\p{L}\p{N}]+/gu;

// Words carry most of the meaning; bigrams add phrase order; trigrams tolerate inflection and typos.
const weights = { word: 1, bigram: 0.5, trigram: 0.25 } as const;

function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  const words = text.toLowerCase().match(wordPattern) ?? [];
  words.forEach((word, i) => {
    add(`w:${word}`, weights.word);
    const next = words[i + 1];
    if (next !== undefined) add(`b:${word} ${next}`, weights.bigram);
    const padded = ` ${word} `;
    for (let j = 0; j + 3 <= padded.length; j++)
      add(`t:${padded.slice(j, j + 3)}`, weights.trigram);
  });
  // Text without letters or digits still gets a vector of its own, from its characters.
  if (words.length === 0) {
    for (let j = 0; j + 3 <= text.length + 2; j++)
      add(`c:${` ${text} `.slice(j, j + 3)}`, weights.trigram);
  }
  return counts;
}

export function embedText(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (const [feature, count] of features(text)) {
    const hash = fnv1a(feature);
    const sign = hash & 0x80000000 ? -1 : 1;
    // Sub-linear term frequency: the tenth repetition of a word adds little.
    vector[hash % dimension] = (vector[hash % dimension] ?? 0) + sign * (1 + Math.log(count));
  }
  return normalize(vector);
}

export function createBuiltinEmbedder(dimension: number): Embedder {
  return {
    backend: 'builtin',
    model: `aidb-lexical-${dimension}`,
    dimension,
    embed: (texts) => Promise.resolve(texts.map((text) => embedText(text, dimension))),
  };
}
