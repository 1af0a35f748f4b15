import { Agent, type Dispatcher } from 'undici';

type Fetch = typeof fetch;
type HeadersLike = RequestInit['headers'];

/**
 * The fetch the openai clients use for JSON calls. fetch() (undici's, built into Node) runs the
 * whole WHATWG machinery per call: Request and Headers objects, a body stream per request and per
 * response, and a clone of the request unless redirects are refused. For the small, non-streaming
 * POSTs a batch sends by the hundred thousand that is most of the client's CPU, so they go
 * through undici's request API instead and the answer is handed to openai as a Response built
 * from the bytes (measured in test/bench/llm.bench.ts: about 30% less CPU per call, and 50 MB
 * less peak RSS). Anything else (multipart uploads, file downloads read as a stream) takes the
 * built-in fetch. The request API does not follow redirects: a redirected POST means a
 * misconfigured base URL, which retry.ts reports as such.
 * The dispatcher keeps undici's default keep-alive (4 s): under common server idle timeouts
 * (uvicorn's 5 s), so an idle connection is not reused just as the server closes it. Its own
 * header and body timeouts (300 s) are off: a long generation may take longer, and each call
 * has its own timeout sized for its completion (EndpointPool.timeoutFor), which cuts it.
 */
export function leanFetch(dispatcher: Dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 })): Fetch {
  return async (input, init) => {
    const body = init?.body;
    const method = init?.method ?? 'GET';
    if (method !== 'POST' || typeof body !== 'string') return fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers: headerRecord(init?.headers),
      body,
      signal: init?.signal ?? undefined,
    });
    const bytes = await res.body.arrayBuffer();
    return new Response(NULL_BODY.has(res.statusCode) ? null : bytes, {
      status: res.statusCode,
      headers: responseHeaders(res.headers),
    });
  };
}

const NULL_BODY = new Set([101, 204, 205, 304]);

function headerRecord(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) out[name!.toLowerCase()] = value!;
  else for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function responseHeaders(headers: Dispatcher.ResponseData['headers']): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else if (value !== undefined) out.push([name, value]);
  }
  return out;
}
