/**
 * The `aidb …` commands of a runbook and the places an on-call engineer runs them: a checkout of
 * the repository, the agent container in Kubernetes, and a podman host. Pure text functions, so
 * the runbooks and the test that checks every command against the CLI read commands one way.
 */

/** Where a command runs, and how `aidb <args>` is spelled there. */
export const commandPlaces = [
  { place: 'checkout', spell: (args: string) => `npx aidb ${args}` },
  {
    place: 'Kubernetes',
    spell: (args: string) => `kubectl exec deploy/aidb -c agent -- aidb ${args}`,
  },
  { place: 'podman', spell: (args: string) => `podman exec aidb-agent aidb ${args}` },
] as const;

/** Commands that start a long-running process: they are restarted, not typed into a container. */
const starters = new Set(['up', 'serve', 'agent']);

/** The arguments of every inline `aidb …` command of a text, in order (`agent status`). */
export function aidbCommands(text: string): string[] {
  return [...text.matchAll(/`aidb ([^`]+)`/g)].map((m) => (m[1] ?? '').trim());
}

/** Sub-items spelling each command of a step for every place it can run. */
export function placeLines(step: string, indent: string): string[] {
  return aidbCommands(step)
    .filter((args) => !starters.has(args))
    .flatMap((args) =>
      commandPlaces.map(({ place, spell }) => `${indent}- ${place}: \`${spell(args)}\``),
    );
}

/**
 * Every command a Markdown text tells someone to type, as the arguments after `aidb`, whichever
 * place it is spelled for (`npx aidb …`, `kubectl exec … -- aidb …`, `podman exec … aidb …`).
 */
export function runbookCommandArgs(markdown: string): string[] {
  // The generated-file header names `aidb generate` without telling anyone to type it.
  const text = markdown.replace(/<!--[\s\S]*?-->/g, '');
  const spans = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
  return spans.flatMap((span) => {
    const match = /^(?:npx |kubectl exec \S+ -c \S+ -- |podman exec \S+ )?aidb(?: (.*))?$/.exec(
      span,
    );
    const args = (match?.[1] ?? '').trim();
    // `aidb …` stands for any command, in the table of places.
    return match === null || args === '…' ? [] : [args];
  });
}
