import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of every Temporal payload (workflow and activity inputs, results,
 * heartbeats, queries, signals, and — with the failure converter of ./failure-converter.ts —
 * failure messages), so a shared cluster stores no prompt, answer or path in clear.
 *
 * Keys come from the environment: DRILL_CODEC_KEYS = "id1:base64key,id2:base64key". The first
 * key encrypts; every listed key decrypts, so a key is rotated by putting a new one first and
 * dropping the old one once no history that needs it is kept. The key id travels in the payload's
 * metadata (in clear, never the key) and is bound to the ciphertext as GCM additional data.
 */
export const CODEC_KEYS_ENV = 'DRILL_CODEC_KEYS';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12; // GCM's standard nonce size (NIST SP 800-38D)
const TAG_BYTES = 16;
const KEY_BYTES = 32; // AES-256
const ID = /^[A-Za-z0-9._-]{1,64}$/;

export class CodecError extends Error {
  override name = 'CodecError';
}

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Parses "id:base64,…". Errors name the entry and what is wrong with it, never the key bytes. */
export function parseCodecKeys(text: string, source = CODEC_KEYS_ENV): CodecKey[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new CodecError(`${source} is set but lists no key`);
  const keys = entries.map((entry, i): CodecKey => {
    const at = `${source} entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new CodecError(`${at}: expected "id:base64key"`);
    const id = entry.slice(0, colon);
    const b64 = entry.slice(colon + 1);
    if (!ID.test(id)) throw new CodecError(`${at}: key id must be 1–64 of A-Z a-z 0-9 . _ -`);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new CodecError(`${at} (id ${id}): key is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== KEY_BYTES)
      throw new CodecError(`${at} (id ${id}): key is ${key.length} bytes, AES-256 needs ${KEY_BYTES}`);
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new CodecError(`${source}: key id ${dup} is listed twice`);
  return keys;
}

/** A new random key entry for DRILL_CODEC_KEYS ("id:base64"). */
export function newCodecKeyEntry(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey | undefined;

  /** With no keys it encodes nothing and refuses encrypted payloads with an error saying what to set. */
  constructor(keys: CodecKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[0];
  }

  // async, so a refused payload rejects the promise instead of throwing at the call.
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.current;
    if (!current) return payloads;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID]: Buffer.from(current.id),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decodeOne(p));
  }

  private decodeOne(payload: Payload): Payload {
    // Payloads written without the codec (older runs, `temporal workflow start`) pass through.
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID]);
    const key = this.byId.get(id);
    if (!key) {
      const have = [...this.byId.keys()];
      throw new CodecError(
        have.length
          ? `payload is encrypted with key id "${id}", which ${CODEC_KEYS_ENV} does not list (it has: ${have.join(', ')})`
          : `payload is encrypted (key id "${id}") but ${CODEC_KEYS_ENV} is not set in this process's environment`,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new CodecError(`encrypted payload (key id "${id}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new CodecError(
        `payload with key id "${id}" does not decrypt: ${CODEC_KEYS_ENV} has a different key under that id, or the payload was altered`,
      );
    }
    return proto.temporal.api.common.v1.Payload.decode(plain);
  }
}

/** The codec of this process's environment (no keys: a codec that only refuses encrypted payloads). */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec {
  const raw = env[CODEC_KEYS_ENV];
  return new AesGcmCodec(raw ? parseCodecKeys(raw) : []);
}
