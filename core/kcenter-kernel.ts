import wabt from 'wabt';

/**
 * The inner loop of KCenterGreedy as a WebAssembly SIMD kernel: one call does one pick's pass
 * over a range of rows (dot product with the newest centre in f32x4 lanes, the expanded squared
 * distance, the running minimum and the farthest row), so a pick is as fast as numpy's float32
 * matrix-vector product instead of a scalar JS loop (`npm run bench:kcenter`). The memory is
 * imported and shared, so threads (core/kcenter-threads.ts) run the same kernel over disjoint row
 * ranges of one copy of the vectors. The WAT below is assembled once per process by wabt.
 *
 * Memory layout (byte offsets chosen by the caller): data n×d f32 row-major, norms n f32
 * (‖x_i‖²), min n f32 (distance to the nearest pick; −1 marks a pick). The centre is a row of
 * data, named by its index.
 */
const WAT = `
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; x·y over d floats at byte offsets x and y: four f32x4 accumulators (16 floats a step, so the
  ;; adds do not wait on each other), then a scalar tail
  (func $dot (param $x i32) (param $y i32) (param $d i32) (result f32)
    (local $end i32) (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $d) (i32.const -16)) (i32.const 2))))
    (local.set $d (i32.and (local.get $d) (i32.const 15)))
    (block $done
      (loop $lanes
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $a (f32x4.add (local.get $a)
          (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $b (f32x4.add (local.get $b)
          (f32x4.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
        (local.set $e (f32x4.add (local.get $e)
          (f32x4.mul (v128.load offset=32 (local.get $x)) (v128.load offset=32 (local.get $y)))))
        (local.set $f (f32x4.add (local.get $f)
          (f32x4.mul (v128.load offset=48 (local.get $x)) (v128.load offset=48 (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $y (i32.add (local.get $y) (i32.const 64)))
        (br $lanes)))
    (local.set $b (f32x4.add (local.get $b) (f32x4.add (local.get $e) (local.get $f))))
    (local.set $a (f32x4.add (local.get $a) (local.get $b)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
      (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
    (block $end
      (loop $tail
        (br_if $end (i32.eqz (local.get $d)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $d (i32.sub (local.get $d) (i32.const 1)))
        (br $tail)))
    (local.get $s))

  ;; writes a zero every 4 KiB from byte from to byte to: the OS maps a fresh page on its first
  ;; write, and threads doing that for their rows in parallel make packing the vectors faster
  (func (export "touch") (param $from i32) (param $to i32)
    (block $done
      (loop $pages
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (i32.store8 (local.get $from) (i32.const 0))
        (local.set $from (i32.add (local.get $from) (i32.const 4096)))
        (br $pages))))

  ;; norms[i] = x_i·x_i for rows start ≤ i < end
  (func (export "norms") (param $start i32) (param $end i32) (param $d i32) (param $data i32) (param $norms i32)
    (local $i i32) (local $row i32)
    (local.set $i (local.get $start))
    (local.set $row (i32.add (local.get $data) (i32.mul (local.get $i) (i32.shl (local.get $d) (i32.const 2)))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $norms) (i32.shl (local.get $i) (i32.const 2)))
          (call $dot (local.get $row) (local.get $row) (local.get $d)))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; one pick over rows start ≤ i < end: update each unpicked row's minimum with its distance to
  ;; row c; return the farthest row (lowest index on ties), or -1 when every row is picked
  (func (export "pick") (param $start i32) (param $end i32) (param $d i32) (param $data i32)
      (param $norms i32) (param $min i32) (param $c i32) (result i32)
    (local $i i32) (local $row i32) (local $at i32) (local $m f32) (local $dist f32)
    (local $far i32) (local $farDist f32) (local $cnorm f32)
    (local.set $cnorm (f32.load (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 2)))))
    (local.set $c (i32.add (local.get $data) (i32.mul (local.get $c) (i32.shl (local.get $d) (i32.const 2)))))
    (local.set $far (i32.const -1))
    (local.set $farDist (f32.const -1))
    (local.set $i (local.get $start))
    (local.set $row (i32.add (local.get $data) (i32.mul (local.get $i) (i32.shl (local.get $d) (i32.const 2)))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $at (i32.add (local.get $min) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $m (f32.load (local.get $at)))
        (if (f32.ne (local.get $m) (f32.const -1))
          (then
            (local.set $dist (f32.max (f32.const 0)
              (f32.add
                (f32.sub (f32.load (i32.add (local.get $norms) (i32.shl (local.get $i) (i32.const 2))))
                         (f32.mul (f32.const 2) (call $dot (local.get $row) (local.get $c) (local.get $d))))
                (local.get $cnorm))))
            (if (f32.lt (local.get $dist) (local.get $m))
              (then (local.set $m (local.get $dist)) (f32.store (local.get $at) (local.get $m))))
            (if (f32.gt (local.get $m) (local.get $farDist))
              (then (local.set $farDist (local.get $m)) (local.set $far (local.get $i))))))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (local.get $far)))
`;

/** The kernel's exports; row ranges are start ≤ i < end, offsets are bytes into the memory. */
export interface KCenterKernel {
  touch(from: number, to: number): void;
  norms(start: number, end: number, d: number, data: number, norms: number): void;
  pick(start: number, end: number, d: number, data: number, norms: number, min: number, c: number): number;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled kernel, assembled once per process; threads get it by structured clone. */
export function kCenterModule(): Promise<WebAssembly.Module> {
  compiled ??= wabt().then((w) => {
    const parsed = w.parseWat('kcenter.wat', WAT, { simd: true, threads: true });
    try {
      return WebAssembly.compile(new Uint8Array(parsed.toBinary({}).buffer));
    } finally {
      parsed.destroy();
    }
  });
  return compiled;
}

/** The kernel over `memory`, a shared memory (the module imports it as env.memory). */
export function kCenterKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KCenterKernel {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KCenterKernel;
}
