/**
 * Variables go into prompts between `<name>` … `</name>` tags, so a model sees clearly where a
 * problem starts and ends, and a reader (the simulator) can take them back out.
 */
export function tagged(name: string, value: string): string {
  return `<${name}>\n${value.trim()}\n</${name}>`;
}

export function readTag(text: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`</${name}>`, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end).trim();
}

/** The last non-empty line of a response, trimmed: where a verdict must stand. */
export function lastLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
