import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable OpenAI-compatible server for cases the simulator does not cover (a rejected key,
 * exact repair conversations). Counts calls per x-drill-custom-id like the simulator does.
 */
export interface FakeCall {
  path: string;
  customId: string;
  body: { model?: string; messages?: { role: string; content: string }[]; n?: number; input?: string[] };
}
export interface FakeReply {
  status?: number;
  json: unknown;
  headers?: Record<string, string>;
}

export async function startFakeServer(reply: (call: FakeCall) => FakeReply) {
  const received = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const customId = String(req.headers['x-drill-custom-id'] ?? '');
      received.set(customId, (received.get(customId) ?? 0) + 1);
      const out = reply({ path: req.url ?? '', customId, body: JSON.parse(text || '{}') });
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
      res.end(JSON.stringify(out.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A chat completion with the given choice texts. */
export function completion(texts: string[], usage = { prompt_tokens: 10, completion_tokens: 5 }): unknown {
  return {
    id: 'fake',
    object: 'chat.completion',
    created: 0,
    model: 'fake',
    choices: texts.map((content, index) => ({
      index,
      message: { role: 'assistant', content },
      finish_reason: 'stop',
    })),
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}
