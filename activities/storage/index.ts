import type { StoreConfig } from '../../schemas/config.js';
import { createFileStore } from './file-store.js';
import { createS3Store } from './s3-store.js';
import type { ArtifactStore } from './store.js';

export {
  ArtifactFormatError,
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  type ArtifactStore,
} from './store.js';

function fromEnv(env: NodeJS.ProcessEnv, name: string, field: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(
      `environment variable ${name} (named by store.${field}) is not set; it must hold the S3 credential`,
    );
  }
  return value;
}

/** The store a RunConfig names. Credentials come from the environment variables the config names. */
export function createStore(config: StoreConfig, env: NodeJS.ProcessEnv = process.env): ArtifactStore {
  if (config.kind === 'file') return createFileStore(config.root);
  return createS3Store({
    bucket: config.bucket,
    prefix: config.prefix,
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: {
      accessKeyId: fromEnv(env, config.accessKeyIdEnv, 'accessKeyIdEnv'),
      secretAccessKey: fromEnv(env, config.secretAccessKeyEnv, 'secretAccessKeyEnv'),
    },
    partSizeMiB: config.partSizeMiB,
  });
}
