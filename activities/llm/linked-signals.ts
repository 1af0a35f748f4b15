import { setMaxListeners } from 'node:events';

/**
 * The openai client adds an abort listener to the signal of every request and never removes it.
 * On a batch's long-lived signal they would pile up, one per request: memory that grows with the
 * batch, and an addEventListener that walks the whole list. A fresh linked AbortController per
 * call avoids that but is among the costliest things a call does, so calls share one linked
 * signal, replaced after CALLS_PER_SIGNAL calls: the listeners on any one signal stay bounded, and
 * a replaced signal is unlinked (and becomes garbage) once its last call is done.
 */
const CALLS_PER_SIGNAL = 256;

export interface Lease {
  readonly signal: AbortSignal;
}

interface Link extends Lease {
  readonly source: AbortSignal;
  readonly forward: () => void;
  calls: number;
  active: number;
}

export class LinkedSignals {
  private current?: Link;

  /** A signal that aborts with source; hand it back with release when the call is done. */
  acquire(source: AbortSignal): Lease {
    let link = this.current;
    if (!link || link.source !== source || link.calls >= CALLS_PER_SIGNAL) {
      if (link && link.active === 0) unlink(link);
      link = this.current = linkTo(source);
    }
    link.calls += 1;
    link.active += 1;
    return link;
  }

  release(lease: Lease): void {
    const link = lease as Link;
    link.active -= 1;
    if (link.active === 0 && link !== this.current) unlink(link);
  }
}

function linkTo(source: AbortSignal): Link {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const forward = (): void => controller.abort(source.reason);
  if (source.aborted) forward();
  else source.addEventListener('abort', forward, { once: true });
  return { signal: controller.signal, source, forward, calls: 0, active: 0 };
}

function unlink(link: Link): void {
  link.source.removeEventListener('abort', link.forward);
}
