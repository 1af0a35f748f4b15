import type { DataConverter } from '@temporalio/common';
import { fileURLToPath } from 'node:url';
import { AesGcmCodec, parseCodecKeys } from './codec.js';

/** The module the workflow bundle and every worker load their failure converter from. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter of every client (cli/) and worker (workers/): payloads through the AES-GCM
 * codec when keys are given (DRILL_CODEC_KEYS), failure messages inside payloads always.
 */
export function dataConverter(codecKeys: string | undefined): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: [new AesGcmCodec(codecKeys ? parseCodecKeys(codecKeys) : [])],
  };
}
