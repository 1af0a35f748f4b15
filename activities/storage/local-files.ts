import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { TEMP_PREFIX } from './keys.js';
import { ArtifactNotFoundError } from './store.js';

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /** 'create' leaves an existing file alone and returns false. */
  mode?: 'replace' | 'create';
  /** Runs once the bytes are durable in the temp file; throwing aborts the write (e.g. a hash check). */
  beforeCommit?: () => void;
}

/**
 * Writes body to path so that readers see either nothing (or the old file) or all of it: the
 * bytes go to a temp file in the same folder, are fsynced, then renamed (or, for 'create',
 * hard-linked, which fails atomically if the name exists). Returns false only when 'create' found
 * the file already there.
 */
export async function writeFileAtomic(
  path: string,
  body: Readable,
  { mode = 'replace', beforeCommit }: AtomicWriteOptions = {},
): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const out = createWriteStream(temp, { flags: 'wx', flush: true });
  try {
    await pipeline(body, out);
    beforeCommit?.();
    if (mode === 'replace') {
      await rename(temp, path);
    } else {
      try {
        await link(temp, path);
      } catch (err) {
        if (isErrno(err, 'EEXIST')) return false;
        throw err;
      }
    }
    await fsyncDir(dir);
    return true;
  } finally {
    // A body that fails before the temp file is open leaves the open pending: the file would appear
    // after the unlink below. Wait until the stream has closed its descriptor.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await unlink(temp).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}

/**
 * Opens the file a file:// URI names; a missing file is ArtifactNotFoundError. The descriptor is
 * taken on the first read and released when the stream ends or is destroyed, so a stream nobody
 * reads (a write that failed first, an error before the loop) holds none: an open FileHandle left
 * to the garbage collector is a leak in a worker that runs for days, and an error in later Node.
 */
export async function openFileUri(uri: string): Promise<Readable> {
  const path = fileURLToPath(uri);
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new ArtifactNotFoundError(`${uri}: no such file`);
    throw err;
  }
  return Readable.from(fileChunks(path), { objectMode: false });
}

/** The bytes of the file at path, opened on the first read and closed on the last or an early stop. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    // yield* hands an early stop (return) on to the stream's iterator, which destroys the stream.
    yield* handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>;
  } finally {
    await handle.close();
  }
}
