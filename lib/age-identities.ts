/**
 * The identity file format the age tools write and read (age-keygen, `age -i`): one identity a
 * line, `#` comments and blank lines ignored, any number of identities. aidb reads X25519
 * identities; plugin identities (`AGE-PLUGIN-…`) need a plugin binary it does not run.
 */
const x25519Identity = /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/;

export interface ParsedIdentities {
  readonly identities: readonly string[];
  /** One per bad line, by line number; never the line's content, which may be a secret. */
  readonly problems: readonly string[];
}

export function parseAgeIdentities(text: string): ParsedIdentities {
  const identities: string[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (x25519Identity.test(line)) identities.push(line);
    else
      problems.push(`line ${String(index + 1)} is not an age X25519 identity (AGE-SECRET-KEY-1…)`);
  });
  if (identities.length === 0 && problems.length === 0)
    problems.push('holds no age identity (AGE-SECRET-KEY-1…), only comments or blank lines');
  return { identities, problems };
}
