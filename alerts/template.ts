/**
 * Alert annotations as typed templates: label references are data, so the same template renders
 * the Go template Prometheus evaluates and the exact text a promtool test expects, and each
 * reference is checked against the labels the alert's expression keeps.
 */
export type TemplatePart = string | { readonly label: string };
export interface Template {
  readonly parts: readonly TemplatePart[];
}

export function label(name: string): { readonly label: string } {
  return { label: name };
}

/** `tpl\`${label('dependency')} is down for ${minutes}\``: labels become references, strings text. */
export function tpl(strings: TemplateStringsArray, ...refs: TemplatePart[]): Template {
  const parts: TemplatePart[] = [];
  const push = (part: TemplatePart) => {
    const last = parts.at(-1);
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  strings.forEach((text, i) => {
    push(text);
    const ref = refs[i];
    if (ref !== undefined) push(ref);
  });
  return { parts };
}

export function templateLabels(template: Template): string[] {
  return template.parts.flatMap((part) => (typeof part === 'string' ? [] : [part.label]));
}

/** The Go template Prometheus renders (`{{ $labels.dependency }}`). */
export function goTemplate(template: Template): string {
  return template.parts
    .map((part) => (typeof part === 'string' ? part : `{{ $labels.${part.label} }}`))
    .join('');
}

/** The text Prometheus produces for these label values. */
export function renderTemplate(
  template: Template,
  labels: Readonly<Record<string, string>>,
): string {
  return template.parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const value = labels[part.label];
      if (value === undefined) throw new RangeError(`alerts: no value for label ${part.label}`);
      return value;
    })
    .join('');
}

/** The text a runbook shows: label references as placeholders (`<instance>`), not Go templates. */
export function markdownTemplate(template: Template): string {
  return template.parts
    .map((part) => (typeof part === 'string' ? part : `\`<${part.label}>\``))
    .join('');
}
