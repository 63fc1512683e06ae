import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * Loads GTCRN's WebAssembly build (`dist/gtcrn.wasm` of the npm package
 * `@sapphi-red/web-noise-suppressor`, built from `@sapphi-red/gtcrn-wasm`;
 * GTCRN: MIT, Rong Xiaobin 2024; the weights are compiled into the module)
 * in Node, without the package's browser wrapper.
 *
 * The module is an Emscripten build with minified names. Its import object is
 * `{ a: { a: __assert_fail, b: emscripten_resize_heap } }` and its exports are
 * (names taken from the package's glue code, `dist/gtcrn/workletProcessor.js`):
 *
 * | export | C symbol            | signature                                  |
 * |--------|---------------------|--------------------------------------------|
 * | `c`    | memory              | (starts at ~17 MB, grows on demand)        |
 * | `d`    | __wasm_call_ctors   | () → void; call once after instantiation   |
 * | `e`    | gtcrn_create        | () → state*  (0 on failure)                |
 * | `f`    | free                | (ptr) → void                               |
 * | `g`    | gtcrn_destroy       | (state*) → void                            |
 * | `h`    | gtcrn_model_run     | 8 args; the raw per-STFT-frame network (unused) |
 * | `i`    | gtcrn_process       | (state*, in*, out*) → void; 256 f32 in/out at 16 kHz |
 * | `j`    | gtcrn_process_48k   | (state*, in*, out*) → void; 768 f32 at 48 kHz (unused) |
 * | `k`    | malloc              | (bytes) → ptr                              |
 *
 * One instance per process, created lazily on first use and shared: calls
 * into it are synchronous, so interleaved async callers never overlap, and
 * each caller owns its `gtcrn_create` state.
 */

export interface GtcrnWasm {
  /** Current memory (re-read after every call that may allocate: growth detaches old views). */
  readonly memory: WebAssembly.Memory;
  create(): number;
  destroy(state: number): void;
  process(state: number, inPtr: number, outPtr: number): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** Samples per `gtcrn_process` call at 16 kHz (the STFT hop; the window is 512). */
export const GTCRN_FRAME = 256;
export const GTCRN_SAMPLE_RATE = 16000;

/** Emscripten's default heap ceiling (2 GiB). */
const MAX_HEAP_BYTES = 2 ** 31;
const PAGE = 65536;

let loading: Promise<GtcrnWasm> | undefined;
let current: GtcrnWasm | undefined;

/** Absolute path of `gtcrn.wasm` inside the installed package. */
export function gtcrnWasmPath(): string {
  return createRequire(import.meta.url).resolve('@sapphi-red/web-noise-suppressor/gtcrn.wasm');
}

/** The shared instance (instantiated on the first call; a failed load is retried by the next call). */
export function loadGtcrnWasm(): Promise<GtcrnWasm> {
  if (!loading) {
    const attempt = instantiate();
    loading = attempt;
    attempt.then(
      (wasm) => {
        if (loading === attempt) current = wasm;
      },
      () => {
        if (loading === attempt) loading = undefined;
      },
    );
  }
  return loading;
}

/**
 * Forgets `wasm` if it is the shared instance (after a trap: its memory may be
 * corrupt); the next `loadGtcrnWasm()` instantiates a new one. Streams still
 * holding the old instance keep it alive until they are dropped.
 */
export function resetGtcrnWasm(wasm: GtcrnWasm): void {
  if (current === wasm) {
    current = undefined;
    loading = undefined;
  }
}

async function instantiate(): Promise<GtcrnWasm> {
  const bytes = await readFile(gtcrnWasmPath());
  let memory: WebAssembly.Memory | undefined;
  const cString = (ptr: number): string => {
    if (!memory || ptr === 0) return '?';
    const heap = new Uint8Array(memory.buffer);
    let end = ptr;
    while (end < heap.length && heap[end] !== 0) end++;
    return new TextDecoder().decode(heap.subarray(ptr, end));
  };
  const imports = {
    a: {
      // __assert_fail(condition, file, line, function)
      a: (cond: number, file: number, line: number, func: number): never => {
        throw new WebAssembly.RuntimeError(`gtcrn.wasm assertion failed: ${cString(cond)} at ${cString(file)}:${line} (${cString(func)})`);
      },
      // emscripten_resize_heap(requestedBytes) → 1 if the memory now holds them, else 0
      b: (requested: number): number => {
        const mem = memory!;
        const size = mem.buffer.byteLength;
        requested >>>= 0;
        if (requested > MAX_HEAP_BYTES) return 0;
        const target = Math.min(MAX_HEAP_BYTES, Math.ceil(Math.max(requested, size * 1.2) / PAGE) * PAGE);
        try {
          mem.grow((target - size) / PAGE);
          return 1;
        } catch {
          return 0;
        }
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  const ex = instance.exports as Record<string, unknown>;
  memory = ex.c as WebAssembly.Memory;
  const fn = (name: string) => {
    const f = ex[name];
    if (typeof f !== 'function') throw new Error(`gtcrn.wasm: export ${name} is missing (package layout changed?)`);
    return f as (...args: number[]) => number;
  };
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('gtcrn.wasm: export c is not a memory (package layout changed?)');
  const ctors = fn('d');
  const create = fn('e');
  const free = fn('f');
  const destroy = fn('g');
  const process = fn('i');
  const malloc = fn('k');
  ctors();
  const mem = memory;
  return {
    memory: mem,
    create: () => create(),
    destroy: (state) => void destroy(state),
    process: (state, inPtr, outPtr) => void process(state, inPtr, outPtr),
    malloc: (n) => malloc(n),
    free: (p) => void free(p),
  };
}
