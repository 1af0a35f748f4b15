import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AesGcmCodec, ENCRYPTED_ENCODING, newCodecKeyEntry, parseCodecKeys } from '../../workers/codec.js';
import { loadSettings } from '../../workers/settings.js';

const PROMPT = 'Find all real x with x^2 = 2; the file is /data/secret-train.jsonl';
const payload = (v: unknown): Payload => defaultPayloadConverter.toPayload(v);
const value = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);
const codec = (...entries: string[]) => new AesGcmCodec(parseCodecKeys(entries.join(',')));

void describe('AES-256-GCM payload codec', () => {
  const old = newCodecKeyEntry('k1');
  const fresh = newCodecKeyEntry('k2');

  void it('round-trips payloads and leaves no plaintext, metadata included, in the encoded bytes', async () => {
    const c = codec(old);
    const inputs = [payload({ prompt: PROMPT }), payload(null), payload(42)];
    const encoded = await c.encode(inputs);
    for (const e of encoded) {
      assert.equal(Buffer.from(e.metadata!.encoding!).toString(), ENCRYPTED_ENCODING);
      assert.equal(Buffer.from(e.metadata!['encryption-key-id']!).toString(), 'k1');
      const raw = Buffer.from(e.data!).toString('latin1');
      assert.ok(!raw.includes('secret-train') && !raw.includes('json/plain'), 'nothing in clear');
    }
    const decoded = await c.decode(encoded);
    assert.deepEqual(decoded.map(value), [{ prompt: PROMPT }, null, 42]);
    // A fresh nonce per payload: the same value never encrypts to the same bytes.
    const [a, b] = await c.encode([payload(PROMPT), payload(PROMPT)]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  void it('rotates: the first key encrypts, an old key listed later still decrypts', async () => {
    const before = await codec(old).encode([payload(PROMPT)]);
    const rotated = codec(fresh, old);
    assert.equal(value((await rotated.decode(before))[0]!), PROMPT);
    const after = await rotated.encode([payload(PROMPT)]);
    assert.equal(Buffer.from(after[0]!.metadata!['encryption-key-id']!).toString(), 'k2');
    await assert.rejects(
      codec(old).decode(after),
      /key id "k2", which DRILL_CODEC_KEYS does not list \(it has: k1\)/,
    );
  });

  void it('names the problem when the key is missing, wrong or the payload altered', async () => {
    const encoded = await codec(old).encode([payload(PROMPT)]);
    await assert.rejects(
      new AesGcmCodec([]).decode(encoded),
      /encrypted \(key id "k1"\) but DRILL_CODEC_KEYS is not set/,
    );
    const impostor = newCodecKeyEntry('k1'); // same id, another key
    await assert.rejects(codec(impostor).decode(encoded), /key id "k1" does not decrypt: .*different key/);
    const tampered = Buffer.from(encoded[0]!.data!);
    tampered[20]! ^= 1;
    await assert.rejects(codec(old).decode([{ ...encoded[0]!, data: tampered }]), /altered/);
    // The key id is bound to the ciphertext: relabelling it under another listed key fails too.
    const relabelled = {
      ...encoded[0]!,
      metadata: { ...encoded[0]!.metadata, 'encryption-key-id': Buffer.from('k2') },
    };
    await assert.rejects(codec(fresh, old).decode([relabelled]), /key id "k2" does not decrypt/);
  });

  void it('passes payloads written without a codec through, and encodes nothing without keys', async () => {
    const plain = [payload(PROMPT)];
    assert.deepEqual((await codec(old).decode(plain)).map(value), [PROMPT]);
    assert.equal(await new AesGcmCodec([]).encode(plain), plain);
  });

  void it('refuses bad DRILL_CODEC_KEYS entries by position, never echoing key bytes', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const cases: [string, RegExp][] = [
      ['', /lists no key/],
      ['nocolon', /entry 1: expected "id:base64key"/],
      [`${old},bad id:${short}`, /entry 2: key id must be/],
      [`k3:${short}`, /entry 1 \(id k3\): key is 16 bytes, AES-256 needs 32/],
      ['k3:not*base64', /entry 1 \(id k3\): key is not base64/],
      [`${old},${old}`, /key id k1 is listed twice/],
    ];
    for (const [text, error] of cases) {
      assert.throws(() => parseCodecKeys(text), error, text);
      try {
        parseCodecKeys(text);
      } catch (err) {
        assert.ok(!(err as Error).message.includes(short), 'the key is not in the message');
      }
    }
    assert.throws(() => loadSettings({ DRILL_CODEC_KEYS: `k3:${short}` }), /DRILL_CODEC_KEYS entry 1/);
  });
});
