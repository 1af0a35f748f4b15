import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RunConfig } from '../schemas/config.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads a run config from YAML or JSON and validates it; every bad field is named in one error. */
export async function loadRunConfig(path: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  // A run file for `temporal workflow start --input-file` wraps the config as { config: … }.
  const candidate =
    raw && typeof raw === 'object' && 'config' in raw ? (raw as { config: unknown }).config : raw;
  const parsed = RunConfig.safeParse(candidate);
  if (!parsed.success) throw new ConfigError(`invalid run config ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
