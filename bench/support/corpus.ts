/**
 * Deterministic synthetic text: a vocabulary of pronounceable words drawn with Zipf frequencies,
 * like natural language, so the lexical embedder and the index see realistic overlap.
 */

// mulberry32: a tiny seeded PRNG; the same seed gives the same corpus on every run.
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'pa',
  'qui',
  'dor',
  'len',
  'mar',
  'sul',
  'tex',
];

export function vocabulary(size: number, rand: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(rand() * 3);
    words.add(
      Array.from({ length }, () => syllables[Math.floor(rand() * syllables.length)]).join(''),
    );
  }
  return [...words];
}

/** Samples word ranks with probability proportional to 1/rank. */
export function zipf(size: number, rand: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= size; rank++) cumulative.push((total += 1 / rank));
  return () => {
    const target = rand() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export function sentenceMaker(seed: number, vocabularySize = 5000): (words: number) => string {
  const rand = random(seed);
  const words = vocabulary(vocabularySize, rand);
  const rank = zipf(words.length, rand);
  return (count) => Array.from({ length: count }, () => words[rank()]).join(' ');
}
