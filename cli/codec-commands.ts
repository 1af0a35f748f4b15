/**
 * `drill codec-server` (the endpoint the Temporal UI decrypts payloads through) and
 * `drill codec-key` (a new key entry for DRILL_CODEC_KEYS). See workers/codec.ts.
 */
import type { Command } from 'commander';
import { AesGcmCodec, CODEC_KEYS_ENV, newCodecKeyEntry, parseCodecKeys } from '../workers/codec.js';
import { loadSettings } from '../workers/settings.js';
import { startCodecServer } from './codec-server.js';

/** A bearer token every request to the codec server must carry, when set (e.g. `temporal --codec-auth`). */
const CODEC_TOKEN_ENV = 'DRILL_CODEC_TOKEN';

export function addCodecCommands(program: Command, badInput: (message: string) => Error): void {
  program
    .command('codec-server')
    .description(
      `decode payloads for the Temporal UI (--ui-codec-endpoint) with the keys in ${CODEC_KEYS_ENV}`,
    )
    .option(
      '--host <host>',
      'address to listen on (it decrypts what it is sent: keep it private)',
      '127.0.0.1',
    )
    // Not 8888, Temporal's samples' port: the dev stack's SeaweedFS filer holds that one.
    .option('--port <n>', 'port (infra/stack.sh uses DRILL_CODEC_PORT)', '8081')
    .option('--ui-origin <url>', 'the Temporal UI origin browsers call from (default DRILL_TEMPORAL_UI)')
    .action(async (opts: { host: string; port: string; uiOrigin?: string }) => {
      const settings = loadSettings();
      if (!settings.codecKeys) throw badInput(`${CODEC_KEYS_ENV} is not set: the codec server has no key`);
      const token = process.env[CODEC_TOKEN_ENV] || undefined;
      const server = await startCodecServer({
        codec: new AesGcmCodec(parseCodecKeys(settings.codecKeys)),
        uiOrigin: opts.uiOrigin ?? settings.uiUrl,
        token,
        host: opts.host,
        port: Number(opts.port),
      });
      console.log(
        `codec server on ${server.url} for the UI at ${opts.uiOrigin ?? settings.uiUrl}` +
          (token ? ` (bearer token from ${CODEC_TOKEN_ENV} required)` : ''),
      );
      await new Promise(() => {});
    });

  program
    .command('codec-key')
    .description(`print a new random AES-256 key entry "id:base64" for ${CODEC_KEYS_ENV}`)
    .argument('<id>', 'the key id stored beside each payload it encrypts, e.g. k2026-11')
    .action((id: string) => {
      const entry = newCodecKeyEntry(id);
      parseCodecKeys(entry, 'the key id'); // refuses an id the codec would not accept
      console.log(entry);
    });
}
