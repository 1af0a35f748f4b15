import { errorReply, type Reply } from './routes.js';

/**
 * The OpenAI Batch API over the simulator's chat route: /v1/files (upload, content) and
 * /v1/batches (create, retrieve). Files live in memory. A batch answers every line when it is
 * polled for the second time (validating → in_progress → completed), so clients see it running;
 * lines that do not answer 200 go to the error file, as OpenAI does.
 */

interface BatchState {
  id: string;
  input_file_id: string;
  endpoint: string;
  status: 'validating' | 'in_progress' | 'completed' | 'failed';
  polls: number;
  output_file_id?: string;
  error_file_id?: string;
  errors?: { data: { code: string; message: string; line?: number }[] };
  request_counts: { total: number; completed: number; failed: number };
}

/** Answers one chat body as the /v1/chat/completions route would for that custom_id. */
export type AnswerChat = (body: unknown, customId: string) => Reply;

const notFound = (what: string): Reply => errorReply(404, `No such ${what}`, 'invalid_request_error', null);

export function createBatchApi(answer: AnswerChat) {
  const files = new Map<string, string>();
  const batches = new Map<string, BatchState>();
  let created = 0;
  const nextId = (kind: string): string => `${kind}-sim-${++created}`;

  const addFile = (text: string): string => {
    const id = nextId('file');
    files.set(id, text);
    return id;
  };

  const run = (b: BatchState): void => {
    const input = files.get(b.input_file_id) ?? '';
    const out: string[] = [];
    const errors: string[] = [];
    input.split('\n').forEach((raw, k) => {
      if (raw.trim() === '') return;
      let line: { custom_id?: string; url?: string; body?: unknown };
      try {
        line = JSON.parse(raw) as typeof line;
      } catch {
        b.errors = { data: [{ code: 'invalid_json_line', message: 'not valid JSON', line: k + 1 }] };
        return;
      }
      const reply = answer(line.body, String(line.custom_id));
      const record = {
        id: `batch_req-${k}`,
        custom_id: line.custom_id,
        response: { status_code: reply.status, request_id: `req-${k}`, body: reply.body },
        error: null,
      };
      (reply.status === 200 ? out : errors).push(JSON.stringify(record));
    });
    if (b.errors) {
      b.status = 'failed';
      return;
    }
    b.status = 'completed';
    b.request_counts = { total: out.length + errors.length, completed: out.length, failed: errors.length };
    if (out.length > 0) b.output_file_id = addFile(out.join('\n') + '\n');
    if (errors.length > 0) b.error_file_id = addFile(errors.join('\n') + '\n');
  };

  const view = (b: BatchState): Reply => {
    const { polls: _polls, ...shown } = b;
    return {
      status: 200,
      body: { ...shown, object: 'batch', completion_window: '24h', created_at: 0 },
    };
  };

  return {
    handles: (path: string): boolean => /^\/v1\/(files|batches)(\/|$)/.test(path),

    /** raw: the request body; contentType: its header (uploads are multipart). */
    async handle(method: string, path: string, raw: string, contentType: string | undefined): Promise<Reply> {
      if (method === 'POST' && path === '/v1/files') {
        const form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
        const file = form.get('file');
        if (form.get('purpose') !== 'batch' || typeof file === 'string' || file === null)
          return errorReply(400, 'expected purpose "batch" and a file', 'invalid_request_error', null);
        const text = await file.text();
        const id = addFile(text);
        return {
          status: 200,
          body: {
            id,
            object: 'file',
            bytes: text.length,
            filename: file.name,
            purpose: 'batch',
            created_at: 0,
          },
        };
      }
      const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (method === 'GET' && content) {
        const text = files.get(content[1]!);
        return text === undefined ? notFound('file') : { status: 200, body: null, text };
      }
      if (method === 'POST' && path === '/v1/batches') {
        const req = JSON.parse(raw) as { input_file_id?: string; endpoint?: string };
        if (!req.input_file_id || !files.has(req.input_file_id)) return notFound('file');
        const b: BatchState = {
          id: nextId('batch'),
          input_file_id: req.input_file_id,
          endpoint: req.endpoint ?? '',
          status: 'validating',
          polls: 0,
          request_counts: { total: 0, completed: 0, failed: 0 },
        };
        batches.set(b.id, b);
        return view(b);
      }
      const one = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (method === 'GET' && one) {
        const b = batches.get(one[1]!);
        if (!b) return notFound('batch');
        b.polls += 1;
        if (b.status === 'validating') b.status = 'in_progress';
        else if (b.status === 'in_progress') run(b);
        return view(b);
      }
      return errorReply(404, `no route ${method} ${path}`, 'invalid_request_error', 'not_found');
    },

    batchCount: (): number => batches.size,
  };
}
