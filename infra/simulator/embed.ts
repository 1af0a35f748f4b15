import { hash32 } from './hash.js';

export const EMBEDDING_DIMENSIONS = 64;

/**
 * A deterministic embedding: signed feature hashing of a text's words and word bigrams, L2-normalised.
 * Texts sharing words are close ("modular arithmetic" vs "modular exponentiation"), others near-orthogonal.
 */
export function embed(text: string): Float32Array {
  const vector = new Float32Array(EMBEDDING_DIMENSIONS);
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const add = (feature: string, weight: number): void => {
    const h = hash32('embed', feature);
    vector[h % EMBEDDING_DIMENSIONS]! += (h & 0x8000_0000 ? -1 : 1) * weight;
  };
  words.forEach((word, i) => {
    add(word, 1);
    if (i > 0) add(`${words[i - 1]} ${word}`, 0.5);
  });
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  else for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** The OpenAI `encoding_format: "base64"` form: little-endian float32 bytes. */
export function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}
