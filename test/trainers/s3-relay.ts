import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { s3TestEnv } from '../store/s3-env.js';

/**
 * An HTTP relay in front of the dev stack's real S3 server, for tests of the trainers' store code
 * (trainers/common/store.py): it records every request the Python side sends and can SIGKILL the
 * Python process the moment a chosen request arrives (that request never reaches the server), the
 * way a preempted job dies mid-transfer.
 */
export interface S3Request {
  method: string;
  /** the object key, without the bucket */
  key: string;
  query: URLSearchParams;
}

export interface S3Relay {
  /** the relay's endpoint, for a store config's `endpoint` */
  url: string;
  /** what the Python side sent since the last reset() */
  seen: S3Request[];
  reset(): void;
  /**
   * Runs trainers' Python (the pinned trainers venv, cwd the repository) with `code` and `args`
   * (sys.argv[1:]), `trainers/` on sys.path; resolves to its exit code, null if it was killed.
   * `killOn` applies to this run (the last one started).
   */
  python(
    code: string,
    args: string[],
    opts?: { killOn?: (r: S3Request) => boolean; env?: NodeJS.ProcessEnv },
  ): Promise<number | null>;
  close(): void;
}

export async function startS3Relay(): Promise<S3Relay> {
  const env = s3TestEnv();
  const target = new URL(env.endpoint);
  const python = execFileSync('bash', ['infra/python-env.sh', 'trainers'], { encoding: 'utf8' }).trim();
  let seen: S3Request[] = [];
  let running: { child: ChildProcess; killOn?: (r: S3Request) => boolean } | undefined;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://relay');
    const r = {
      method: req.method!,
      key: decodeURIComponent(url.pathname.replace(/^\/[^/]+\/?/, '')),
      query: url.searchParams,
    };
    seen.push(r);
    if (running?.killOn?.(r)) {
      running.child.kill('SIGKILL');
      req.socket.destroy();
      return;
    }
    // botocore does not sign `expect`; Node's server has already answered 100-continue.
    const { expect: _, ...headers } = req.headers;
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upstream) => {
        res.writeHead(upstream.statusCode!, upstream.headers);
        upstream.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get seen() {
      return seen;
    },
    reset: () => void (seen = []),
    python(code, args, opts = {}) {
      const child = spawn(python, ['-c', `import sys; sys.path.insert(0, "trainers"); ${code}`, ...args], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...opts.env },
      });
      running = { child, killOn: opts.killOn };
      return new Promise((resolve) => child.once('exit', (c) => resolve(c)));
    },
    close: () => server.close(),
  };
}
