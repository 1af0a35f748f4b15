import { once } from 'node:events';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { kCenterKernel } from './kcenter-kernel.js';

/**
 * A team of threads that runs the KCenterGreedy kernel (core/kcenter-kernel.ts) over disjoint
 * row ranges of one shared memory: the calling thread takes the first range, one worker thread
 * each of the others. A step hands every thread the same op through a shared control array and
 * waits (Atomics.wait) until all are done: a pick costs milliseconds, far less than a message
 * round trip through the event loop would add.
 */

/** Where the kernel finds its arrays in the shared memory (byte offsets), and their sizes. */
export interface KernelLayout {
  n: number;
  d: number;
  data: number;
  norms: number;
  min: number;
}

// control array slots: GEN counts the steps handed out (workers wait on it), DONE counts the
// workers finished with the current step (the caller waits on it), FAILED is set by a worker
// whose step threw, RESULT + t is range t's answer
const GEN = 0;
const DONE = 1;
const OP = 2;
const ARG = 3;
const FAILED = 4;
const RESULT = 5;
const TOUCH = 1;
const NORMS = 2;
const PICK = 3;
const STOP = 4;

/**
 * The worker's whole program. A plain CommonJS script evaluated by the Worker (`eval: true`, no
 * execArgv), so it runs the same under tsx (tests, dev, `npm run worker`) and plain node, without
 * loading TypeScript tooling into every thread. It only instantiates the kernel and serves steps.
 */
const THREAD = `
const { workerData: w } = require('node:worker_threads');
const ctl = new Int32Array(w.control);
const rowBytes = w.d * 4;
let kernel, failure;
try {
  kernel = new WebAssembly.Instance(w.module, { env: { memory: w.memory } }).exports;
} catch (e) {
  failure = e;
}
for (let seen = 0; ; ) {
  Atomics.wait(ctl, ${GEN}, seen);
  seen = Atomics.load(ctl, ${GEN});
  const op = Atomics.load(ctl, ${OP});
  if (op === ${STOP}) break;
  try {
    if (failure) throw failure;
    if (op === ${TOUCH}) kernel.touch(w.data + w.start * rowBytes, w.data + w.end * rowBytes);
    else if (op === ${NORMS}) kernel.norms(w.start, w.end, w.d, w.data, w.norms);
    else ctl[${RESULT} + w.index] = kernel.pick(w.start, w.end, w.d, w.data, w.norms, w.min, Atomics.load(ctl, ${ARG}));
  } catch (e) {
    w.port.postMessage(String((e && e.stack) || e));
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

export interface KernelTeam {
  /**
   * Fills the memory through `write(start, end)` (rows start ≤ i < end), the caller's range
   * first while the worker threads fault in the pages of theirs, then the rest.
   */
  fill(write: (start: number, end: number) => void): Promise<void>;
  /** ‖x_i‖² of every row into norms. */
  norms(): void;
  /** One pick's pass with row c as the newest centre: each range's farthest row (−1: all picked). */
  pick(c: number): number[];
  /** Stops and ends the worker threads; safe to call more than once. */
  close(): Promise<void>;
}

/** Rows split into `threads` contiguous ranges of near-equal size, in index order. */
export function rowRanges(n: number, threads: number): [number, number][] {
  return Array.from({ length: threads }, (_, t) => [
    Math.floor((t * n) / threads),
    Math.floor(((t + 1) * n) / threads),
  ]);
}

/** Starts `threads − 1` worker threads over `memory`; `fill` first, then the other steps. */
export function startKernelTeam(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  layout: KernelLayout,
  threads: number,
): KernelTeam {
  const ranges = rowRanges(layout.n, threads);
  const ctl = new Int32Array(new SharedArrayBuffer((RESULT + threads) * 4));
  // a thread's error message comes back on its own port, read synchronously by the caller
  const errors = ranges.slice(1).map(() => new MessageChannel());
  const workers = ranges.slice(1).map(([start, end], i) => {
    const port = errors[i]!.port2;
    return new Worker(THREAD, {
      eval: true,
      execArgv: [],
      workerData: { ...layout, module, memory, control: ctl.buffer, index: i + 1, start, end, port },
      transferList: [port],
    });
  });
  // a thread that cannot start emits 'error' instead of 'online', and once() rejects with it;
  // after that every failure is caught in the thread and reported through the control array
  const online = Promise.all(workers.map((w) => once(w, 'online')));
  online.catch(() => {}); // observed by fill(); a close() before that must not leave it unhandled
  const step = (op: number, arg: number) => {
    Atomics.store(ctl, OP, op);
    Atomics.store(ctl, ARG, arg);
    Atomics.store(ctl, DONE, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
  };
  const finish = () => {
    for (let done; (done = Atomics.load(ctl, DONE)) < workers.length;) Atomics.wait(ctl, DONE, done);
    if (Atomics.load(ctl, FAILED)) {
      const messages = errors.map((e) => receiveMessageOnPort(e.port1)?.message as string | undefined);
      throw new Error(`kCenterGreedy: a kernel thread failed: ${messages.filter(Boolean).join('; ')}`);
    }
  };
  let closed = false;
  const own = kCenterKernel(module, memory);
  const [start, end] = ranges[0] as [number, number];
  const { n, d, data, norms, min } = layout;
  return {
    async fill(write) {
      step(TOUCH, 0);
      write(start, end);
      await online;
      finish();
      write(end, n);
    },
    norms() {
      step(NORMS, 0);
      own.norms(start, end, d, data, norms);
      finish();
    },
    pick(c) {
      step(PICK, c);
      ctl[RESULT] = own.pick(start, end, d, data, norms, min, c);
      finish();
      return Array.from(ctl.subarray(RESULT));
    },
    async close() {
      if (closed) return;
      closed = true;
      step(STOP, 0);
      errors.forEach((e) => e.port1.close());
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
