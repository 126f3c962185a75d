import type { CommandEntry } from './command-table.ts';

/** Every command path below `entry` (`""`, `" agent"`, `" agent status"`), with its words. */
function paths(entry: CommandEntry, prefix: string): { path: string; words: string[] }[] {
  const words = [...entry.commands.map((c) => c.name), ...entry.options.flatMap((o) => o.flags)];
  return [
    { path: prefix, words },
    ...entry.commands.flatMap((c) => paths(c, `${prefix} ${c.name}`)),
  ];
}

/**
 * A bash completion script for the command tree: the words after `aidb` that name commands
 * choose the level, and the level offers its subcommands and options.
 */
export function bashCompletion(root: CommandEntry): string {
  const levels = paths(root, '');
  const known = levels.filter((l) => l.path !== '').map((l) => `"${l.path}"`);
  return `# bash completion for aidb: source it, or save it as /etc/bash_completion.d/aidb
_aidb() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$path $word" in
      ${known.join('|')}) path="$path $word" ;;
    esac
  done
  case "$path" in
${levels.map((l) => `    "${l.path}") words="${l.words.join(' ')}" ;;`).join('\n')}
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _aidb aidb
`;
}

/** zsh runs the bash completion through its bashcompinit layer. */
export function zshCompletion(root: CommandEntry): string {
  return `#compdef aidb
# zsh completion for aidb: source it from ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(root)}`;
}
