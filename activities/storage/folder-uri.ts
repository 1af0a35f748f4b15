import type { ArtifactStore } from './store.js';

/**
 * Folder URIs inside a store, for handing a job a place to write (`outputUri`) and for the job
 * to turn that URI back into store keys. Both directions go through `uriFor`, so the encoding
 * (file:// percent-escapes, the S3 prefix) is the store's own.
 */
const PROBE = 'x';

/** The URI of a store folder, ending in '/': `file:///root/jobs/a/` or `s3://bucket/prefix/jobs/a/`. */
export function folderUri(store: ArtifactStore, prefix: string): string {
  return store.uriFor(`${prefix}/${PROBE}`).slice(0, -PROBE.length);
}

/** The store key of `name` inside a folder URI of this store; throws if the URI lies elsewhere. */
export function keyIn(store: ArtifactStore, folder: string, name: string): string {
  const root = store.uriFor(PROBE).slice(0, -PROBE.length);
  if (!folder.startsWith(root) || !folder.endsWith('/')) {
    throw new Error(`${folder} is not a folder of the configured store (${root})`);
  }
  return `${folder.slice(root.length)}${name}`;
}
