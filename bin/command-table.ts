import type { Command } from 'commander';

/** One option as the CLI defines it. */
export interface OptionEntry {
  readonly flags: readonly string[];
  /** `<value>` required or `[value]` optional after the flag. */
  readonly takesValue: 'no' | 'required' | 'optional';
  readonly mandatory: boolean;
  /** The values it accepts, when it accepts only some. */
  readonly choices?: readonly string[];
  readonly description: string;
}

/** A command and everything below it, read from the commander definition itself. */
export interface CommandEntry {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionEntry[];
  readonly args: readonly {
    readonly name: string;
    readonly required: boolean;
    readonly variadic: boolean;
  }[];
  readonly commands: readonly CommandEntry[];
}

export function commandTable(command: Command): CommandEntry {
  const help = command.createHelp();
  const options = help.visibleOptions(command).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    takesValue: o.required
      ? ('required' as const)
      : o.optional
        ? ('optional' as const)
        : ('no' as const),
    mandatory: o.mandatory,
    ...(o.argChoices === undefined ? {} : { choices: o.argChoices }),
    description: o.description,
  }));
  return {
    name: command.name(),
    description: command.description(),
    options,
    args: command.registeredArguments.map((a) => ({
      name: a.name(),
      required: a.required,
      variadic: a.variadic,
    })),
    commands: command.commands.map(commandTable),
  };
}

/**
 * Why the CLI would refuse these arguments (after `aidb`), or undefined when it accepts them:
 * an unknown command or option, a missing value, too few or too many arguments. Options of a
 * command also count below it, as commander reads them.
 */
export function commandLineProblem(
  root: CommandEntry,
  argv: readonly string[],
): string | undefined {
  const path: CommandEntry[] = [root];
  const positional: string[] = [];
  const given = new Set<OptionEntry>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const here = path.at(-1) ?? root;
    if (token.startsWith('-') && token !== '-') {
      const [flag = token, inline] = token.split('=', 2);
      const option = path.flatMap((c) => c.options).find((o) => o.flags.includes(flag));
      if (option === undefined) return `unknown option ${flag} for ${names(path)}`;
      given.add(option);
      if (option.takesValue === 'required' && inline === undefined) {
        if (argv[i + 1] === undefined) return `option ${flag} of ${names(path)} needs a value`;
        i++;
      }
      const value = inline ?? argv[i] ?? '';
      if (option.choices !== undefined && !placeholder(value) && !option.choices.includes(value))
        return `option ${flag} of ${names(path)} takes ${option.choices.join(', ')}, not ${value}`;
      continue;
    }
    const sub = positional.length === 0 ? here.commands.find((c) => c.name === token) : undefined;
    if (sub !== undefined) {
      path.push(sub);
      continue;
    }
    if (here.commands.length > 0 && here.args.length === 0 && positional.length === 0)
      return `unknown command ${names(path)} ${token}`;
    positional.push(token);
  }
  const last = path.at(-1) ?? root;
  const variadic = last.args.some((a) => a.variadic);
  if (!variadic && positional.length > last.args.length)
    return `too many arguments for ${names(path)}: ${positional.join(' ')}`;
  const required = last.args.filter((a) => a.required).length;
  if (positional.length < required) return `${names(path)} needs ${String(required)} argument(s)`;
  const missing = path.flatMap((c) => c.options).find((o) => o.mandatory && !given.has(o));
  if (missing !== undefined) return `${names(path)} needs ${missing.flags.join(', ')}`;
  return undefined;
}

/** A value the reader fills in: `<id>`, `DIR`. */
const placeholder = (value: string): boolean => /^<.+>$|^[A-Z][A-Z_]*$/.test(value);

const names = (path: readonly CommandEntry[]): string => path.map((c) => c.name).join(' ');
