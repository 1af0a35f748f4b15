import type { Payload, PayloadCodec } from '@temporalio/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The codec server the Temporal UI and CLI call (`--ui-codec-endpoint`, `--codec-endpoint`) to show
 * encrypted payloads: POST /decode and /encode with {"payloads": [...]} in Temporal's JSON form
 * (metadata values and data base64); the UI adds `X-Namespace` and, with "pass access token" on,
 * `Authorization: Bearer …`. It decrypts whatever it is sent, so it listens on 127.0.0.1 by
 * default, refuses any browser request from another origin than the UI's (not only the CORS
 * headers: a page elsewhere must not get its POST run either), and with a token set refuses every
 * request without it.
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

/**
 * The browser origins of a UI: a loopback UI is reached as 127.0.0.1 or localhost, whichever the
 * user typed, and the browser sends that spelling as Origin.
 */
export function uiOrigins(uiUrl: string): string[] {
  const url = new URL(uiUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return [url.origin];
  return ['127.0.0.1', 'localhost'].map(
    (host) => Object.assign(new URL(url.origin), { hostname: host }).origin,
  );
}

/** Compares the bearer token in constant time (digests make the lengths equal). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

export async function startCodecServer(opts: {
  codec: PayloadCodec;
  /** The Temporal UI's URL, e.g. http://127.0.0.1:8233: the one browser origin allowed (see uiOrigins). */
  uiOrigin: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  host?: string;
  port?: number;
}): Promise<CodecServer> {
  const allowed = uiOrigins(opts.uiOrigin);
  const cors = (res: ServerResponse, origin: string) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  };
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    res.setHeader('Vary', 'Origin');
    // No Origin: the CLI or a script, not a browser. A browser's Origin must be the UI's.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.includes(origin))
      return reply(res, 403, { error: `origin ${origin} is not the Temporal UI's (${allowed.join(', ')})` });
    if (origin) cors(res, origin);
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    // A preflight carries no credentials (browsers never send them on OPTIONS).
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (opts.token !== undefined && !bearerMatches(req.headers.authorization, opts.token))
      return reply(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer …)' });
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
