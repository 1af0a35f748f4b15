import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_MODELS, MODEL_NAME, SimModelFile, studentProfile, type ModelProfile } from './profiles.js';

export function modelsDir(home: string): string {
  return join(home, 'models');
}

/**
 * Built-in profiles plus the checkpoints the simulated trainer registered under `<home>/models/`.
 * Files are re-read only when their mtime changes, so a lookup per request stays cheap.
 */
export function createModelStore(home: string): {
  lookup(name: string): ModelProfile | undefined;
  names(): string[];
} {
  const cache = new Map<string, { mtimeMs: number; profile: ModelProfile }>();
  const lookup = (name: string): ModelProfile | undefined => {
    const builtin = BUILTIN_MODELS.get(name);
    if (builtin !== undefined) return builtin;
    if (!MODEL_NAME.test(name)) return undefined;
    const path = join(modelsDir(home), `${name}.json`);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    const cached = cache.get(name);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) return cached.profile;
    const parsed = SimModelFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`simulated model file ${path} is invalid: ${parsed.error.message}`);
    const profile = studentProfile(parsed.data);
    cache.set(name, { mtimeMs: stat.mtimeMs, profile });
    return profile;
  };
  const names = (): string[] => {
    let files: string[] = [];
    try {
      files = readdirSync(modelsDir(home)).filter((f) => f.endsWith('.json'));
    } catch {
      // no trained checkpoints yet
    }
    return [...BUILTIN_MODELS.keys(), ...files.map((f) => f.slice(0, -'.json'.length))];
  };
  return { lookup, names };
}

/** Registers a trained checkpoint atomically, so a server never reads half a file. */
export function writeModelFile(home: string, file: SimModelFile): string {
  const dir = modelsDir(home);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.name}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
