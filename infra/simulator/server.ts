import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng } from '../../core/rng.js';
import { createBatchApi } from './batches.js';
import { createModelStore } from './model-store.js';
import { chatCompletion, embeddings, errorReply, modelList, type Reply } from './routes.js';
import { DEFAULT_FLAWS, type FlawRates } from './sample.js';

/** Per-request fault rates (each in [0, 1]; they are drawn from one uniform, so they must sum to ≤ 1). */
export interface Faults {
  rate429: number;
  rate500: number;
  rateHang: number;
  /** a 200 whose body is cut off mid-way (the connection closes before content-length bytes) */
  rateTruncated: number;
  /** a 200 whose body is not JSON (a proxy's error page) */
  rateNonJson: number;
  /** a well-formed answer whose text its prompt's parser rejects */
  rateGarbage: number;
  retryAfterSeconds: number;
}

const RATES = ['rate429', 'rate500', 'rateHang', 'rateTruncated', 'rateNonJson', 'rateGarbage'] as const;

const NO_FAULTS: Faults = {
  rate429: 0,
  rate500: 0,
  rateHang: 0,
  rateTruncated: 0,
  rateNonJson: 0,
  rateGarbage: 0,
  retryAfterSeconds: 1,
};

export interface SimulatorOptions {
  port?: number;
  /** where trained checkpoints are registered (`<home>/models/<name>.json`) */
  home: string;
  latencyMs?: number;
  faults?: Partial<Faults>;
  seed?: number;
  /** rates at which generated problems come out flawed */
  flaws?: Partial<FlawRates>;
}

export interface Simulator {
  /** http://127.0.0.1:PORT/v1 */
  url: string;
  setFaults(f: Partial<Faults>): void;
  /** requests received per x-drill-custom-id header value (faulted ones included) */
  received(): Map<string, number>;
  totalRequests(): number;
  /** Batch API batches created so far. */
  batchCount(): number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.text ?? JSON.stringify(reply.body);
  const type = reply.text === undefined ? 'application/json' : 'application/jsonl';
  res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
  res.end(body);
}

function checkRates(f: Faults): Faults {
  for (const key of RATES) {
    if (!(f[key] >= 0 && f[key] <= 1)) throw new Error(`faults.${key} must be in [0, 1], got ${f[key]}`);
  }
  if (RATES.reduce((sum, key) => sum + f[key], 0) > 1) throw new Error('fault rates must sum to at most 1');
  return f;
}

/** Which fault (if any) a uniform draw `u` falls on: the rates take consecutive slices of [0, 1). */
function faultOf(f: Faults, u: number): (typeof RATES)[number] | undefined {
  let upTo = 0;
  for (const key of RATES) if (u < (upTo += f[key])) return key;
  return undefined;
}

/** Sends headers promising the whole body, then half of it, then drops the connection. */
function sendTruncated(res: ServerResponse, reply: Reply): void {
  const body = Buffer.from(JSON.stringify(reply.body));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.write(body.subarray(0, body.length >> 1), () => res.destroy());
}

/** The simulated OpenAI-compatible server (models and their answers are simulated; see README). */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  let faults = checkRates({ ...NO_FAULTS, ...opts.faults });
  const flaws = { ...DEFAULT_FLAWS, ...opts.flaws };
  const serverSeed = opts.seed ?? 0;
  const faultDraw = createRng(serverSeed ^ 0x5eed);
  const models = createModelStore(opts.home);
  const received = new Map<string, number>();
  let total = 0;
  const latency = opts.latencyMs ?? 0;
  const count = (customId: string | undefined): number => {
    if (customId !== undefined) received.set(customId, (received.get(customId) ?? 0) + 1);
    return ++total;
  };
  // Batch lines are answered without faults: the Batch API retries inside its window.
  const batchApi = createBatchApi((body, customId) =>
    chatCompletion(body, {
      lookup: models.lookup,
      serverSeed,
      flaws,
      garbage: false,
      customId,
      requestNumber: count(customId),
    }),
  );

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') return send(res, modelList(models.names()));
    if (path !== undefined && batchApi.handles(path)) {
      const raw = await readBody(req);
      return send(res, await batchApi.handle(req.method ?? '', path, raw, req.headers['content-type']));
    }
    const isChat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || (!isChat && path !== '/v1/embeddings')) {
      return send(
        res,
        errorReply(404, `no route ${req.method} ${path}`, 'invalid_request_error', 'not_found'),
      );
    }
    const header = req.headers['x-drill-custom-id'];
    const customId = Array.isArray(header) ? header[0] : header;
    const requestNumber = count(customId);
    const raw = await readBody(req);

    const fault = faultOf(faults, faultDraw.next());
    if (fault === 'rate429') {
      const reply = errorReply(
        429,
        'Rate limit reached (simulated).',
        'rate_limit_error',
        'rate_limit_exceeded',
      );
      return send(res, { ...reply, headers: { 'retry-after': String(faults.retryAfterSeconds) } });
    }
    if (fault === 'rate500') {
      return send(res, errorReply(500, 'Internal server error (simulated).', 'server_error', null));
    }
    if (fault === 'rateHang') return; // never answers; close() drops the socket
    if (fault === 'rateNonJson') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('<html><body>502 Bad Gateway (simulated proxy)</body></html>');
    }

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, errorReply(400, 'request body is not valid JSON', 'invalid_request_error', null));
    }
    const garbage = fault === 'rateGarbage';
    const reply = isChat
      ? chatCompletion(body, { lookup: models.lookup, serverSeed, flaws, garbage, customId, requestNumber })
      : embeddings(body, models.lookup);
    if (fault === 'rateTruncated' && reply.status === 200) return sendTruncated(res, reply);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    send(res, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, errorReply(500, `simulator error: ${(error as Error).message}`, 'server_error', null));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    setFaults: (f) => {
      faults = checkRates({ ...faults, ...f });
    },
    received: () => new Map(received),
    totalRequests: () => total,
    batchCount: () => batchApi.batchCount(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
