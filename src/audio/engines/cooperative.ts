/**
 * Cooperative scheduling for CPU-bound engine code that runs on the main
 * thread next to the HTTP server: work is cut into slices, and between slices
 * the event loop runs (setImmediate) and the AbortSignal is checked.
 */

export async function yieldToEventLoop(signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

/** Calls `work(start, end)` over [0, total) in slices of `slice`, yielding in between. */
export async function inSlices(total: number, slice: number, work: (start: number, end: number) => void, signal?: AbortSignal): Promise<void> {
  for (let start = 0; start < total; start += slice) {
    work(start, Math.min(total, start + slice));
    await yieldToEventLoop(signal);
  }
}
