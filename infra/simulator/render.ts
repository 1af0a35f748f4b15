import type { Params, Template } from './templates.js';

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

export function renderTemplate(template: Template, params: Params): string {
  return template.text.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`template ${template.id}: no value for {{${name}}}`);
    return String(value);
  });
}

/** The template text as a pattern whose named groups capture the integers, so a rendering parses back. */
export function templatePattern(template: Template): RegExp {
  const literals = template.text.split(PLACEHOLDER);
  const source = literals
    .map((part, i) => (i % 2 === 0 ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `(?<${part}>-?\\d+)`))
    .join('');
  return new RegExp(source);
}
