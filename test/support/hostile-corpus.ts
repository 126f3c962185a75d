import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const wordlists = '/usr/share/wfuzz/wordlist/Injections';

/**
 * Published hostile-input corpora: the Big List of Naughty Strings (npm) and Debian's wfuzz
 * injection wordlists (SQL, XSS, traversal, XML, every attack, bad characters), deduplicated.
 */
export function hostileStrings(): string[] {
  const require = createRequire(import.meta.url);
  const naughty = require('big-list-of-naughty-strings/blns.json') as string[];
  const injections = ['SQL', 'XSS', 'Traversal', 'XML', 'All_attack', 'bad_chars'].flatMap((name) =>
    readFileSync(`${wordlists}/${name}.txt`, 'latin1')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return [...new Set([...naughty, ...injections])];
}
