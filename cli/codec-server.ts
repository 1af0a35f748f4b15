import type { Payload, PayloadCodec } from '@temporalio/common';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The codec server the Temporal UI and CLI call (`--ui-codec-endpoint`, `--codec-endpoint`) to show
 * encrypted payloads: POST /decode and /encode with {"payloads": [...]} in Temporal's JSON form
 * (metadata values and data base64). It decrypts whatever it is sent, so it listens on 127.0.0.1 by
 * default and answers browsers only from the UI's origin (CORS).
 */

/** A payload as the UI sends it: proto3 JSON, bytes in base64. */
interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const MAX_BODY = 64 << 20; // a whole history page of payloads; more is refused, not buffered

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}

async function readJson(req: IncomingMessage): Promise<{ payloads: JsonPayload[] }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: unknown };
  if (!Array.isArray(body?.payloads)) throw new Error('body must be {"payloads": [...]}');
  return body as { payloads: JsonPayload[] };
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

export async function startCodecServer(opts: {
  codec: PayloadCodec;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233: the one browser origin allowed. */
  uiOrigin: string;
  host?: string;
  port?: number;
}): Promise<CodecServer> {
  const origin = new URL(opts.uiOrigin).origin;
  const cors = (res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  };
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    cors(res);
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method !== 'POST' || (path !== '/decode' && path !== '/encode'))
      return reply(res, 404, { error: 'POST /decode or /encode' });
    readJson(req).then(
      async ({ payloads }) => {
        const input = payloads.map(fromJson);
        try {
          const out = path === '/decode' ? await opts.codec.decode(input) : await opts.codec.encode(input);
          reply(res, 200, { payloads: out.map(toJson) });
        } catch (err) {
          // A payload under a key this server lacks: the UI shows the message.
          reply(res, 422, { error: (err as Error).message });
        }
      },
      (err: Error) => reply(res, 400, { error: err.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
