import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createArtifactStore, type ByteBackend } from './artifact-store.js';
import { TEMP_PREFIX } from './keys.js';
import { openFileUri, writeFileAtomic } from './local-files.js';
import type { ArtifactStore } from './store.js';

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A store in a local folder: key "a/b.jsonl" is the file <root>/a/b.jsonl. */
export function createFileStore(root: string): ArtifactStore {
  const base = resolve(root);
  const pathFor = (key: string): string => join(base, ...key.split('/'));

  const backend: ByteBackend = {
    uriFor: (key) => pathToFileURL(pathFor(key)).href,

    async put(key, body) {
      await writeFileAtomic(pathFor(key), body);
    },

    async openUri(uri) {
      if (!uri.startsWith('file://')) {
        throw new Error(
          `${uri}: a file store reads only file:// URIs; configure an s3 store for s3:// inputs`,
        );
      }
      return openFileUri(uri);
    },

    async getText(key) {
      try {
        return await readFile(pathFor(key), 'utf8');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    putText(key, text, ifAbsent) {
      return writeFileAtomic(pathFor(key), Readable.from([Buffer.from(text)]), {
        mode: ifAbsent ? 'create' : 'replace',
      });
    },

    async list(prefix) {
      // Walk only the folder the prefix's complete segments name, not the whole store.
      const dir = pathFor(prefix.slice(0, prefix.lastIndexOf('/') + 1));
      let entries;
      try {
        entries = await readdir(dir, { recursive: true, withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return [];
        throw err;
      }
      return entries
        .filter((entry) => entry.isFile() && !entry.name.startsWith(TEMP_PREFIX))
        .map((entry) => relative(base, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .filter((key) => key.startsWith(prefix))
        .sort();
    },
  };
  return createArtifactStore(backend);
}
