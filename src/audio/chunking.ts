/**
 * Fixed-size overlapping chunks in, seamless stems out, in flat memory.
 *
 * Chunk i covers input frames [i·(C−O), i·(C−O) + C) (C = chunkFrames,
 * O = overlapFrames): consecutive chunks share O frames. On the way out the
 * shared region is a linear crossfade from the previous chunk's stems to the
 * next one's, which hides the engine's edge effects (STFT padding, median
 * context). The weights sum to 1, so if each chunk's stems sum to the chunk,
 * the joined stems sum to the input too. Every input frame is emitted exactly
 * once, in order.
 */

export interface ChunkPlan {
  chunkFrames: number;
  overlapFrames: number;
}

export function assertChunkPlan(plan: ChunkPlan): void {
  const { chunkFrames: c, overlapFrames: o } = plan;
  if (!Number.isInteger(c) || !Number.isInteger(o) || o < 0 || c <= 2 * o) {
    throw new RangeError(`chunk plan needs integers with chunkFrames > 2·overlapFrames ≥ 0 (${c}, ${o} given)`);
  }
}

/** Accumulates planar frames and hands out chunks (copies) as they fill. */
export class ChunkAssembler {
  private readonly buffer: Float32Array[];
  private filled = 0;
  private emitted = false;

  constructor(channelCount: number, private readonly plan: ChunkPlan) {
    assertChunkPlan(plan);
    this.buffer = Array.from({ length: channelCount }, () => new Float32Array(plan.chunkFrames));
  }

  /**
   * Appends `frames` frames of interleaved samples; returns the chunks
   * completed by them (usually none or one).
   */
  push(interleaved: Float32Array, frames: number): Float32Array[][] {
    const { chunkFrames, overlapFrames } = this.plan;
    const count = this.buffer.length;
    const done: Float32Array[][] = [];
    let read = 0;
    while (read < frames) {
      const n = Math.min(frames - read, chunkFrames - this.filled);
      for (let c = 0; c < count; c++) {
        const ch = this.buffer[c]!;
        for (let i = 0, j = read * count + c; i < n; i++, j += count) ch[this.filled + i] = interleaved[j]!;
      }
      this.filled += n;
      read += n;
      if (this.filled === chunkFrames) {
        done.push(this.buffer.map((ch) => ch.slice()));
        for (const ch of this.buffer) ch.copyWithin(0, chunkFrames - overlapFrames, chunkFrames);
        this.filled = overlapFrames;
        this.emitted = true;
      }
    }
    return done;
  }

  /**
   * The last, partial chunk, or null when it would hold no new frame (no
   * input at all, or the input ended exactly on a chunk boundary: the
   * joiner's `finish()` then emits the retained tail).
   */
  finish(): Float32Array[] | null {
    const start = this.emitted ? this.plan.overlapFrames : 0;
    if (this.filled <= start) return null;
    return this.buffer.map((ch) => ch.slice(0, this.filled));
  }
}

export type Stems = Record<string, Float32Array[]>;

/** Joins processed chunks (in the assembler's order) with a linear crossfade. */
export class CrossfadeJoiner {
  private tail: Stems | null = null;

  constructor(private readonly overlapFrames: number) {}

  /**
   * Takes the stems of the next chunk; returns the frames now final. With
   * `last`, everything is returned and nothing retained.
   */
  push(stems: Stems, last: boolean): Stems {
    const o = this.overlapFrames;
    const out: Stems = {};
    for (const [name, channels] of Object.entries(stems)) {
      const length = channels[0]?.length ?? 0;
      const prev = this.tail?.[name];
      const head = prev ? Math.min(o, length) : 0;
      const end = last ? length : length - o;
      if (end < head) throw new RangeError(`chunk of ${length} frames is too short for an overlap of ${o}`);
      out[name] = channels.map((ch, c) => {
        const res = new Float32Array(end);
        res.set(ch.subarray(head, end), head);
        if (prev) {
          const p = prev[c]!;
          for (let i = 0; i < head; i++) {
            const w = (i + 0.5) / o;
            res[i] = p[i]! * (1 - w) + ch[i]! * w;
          }
        }
        return res;
      });
    }
    this.tail = last ? null : Object.fromEntries(Object.entries(stems).map(([name, chs]) => [name, chs.map((ch) => ch.slice(ch.length - o))]));
    return out;
  }

  /** The retained tail of the last non-final chunk, or null. */
  finish(): Stems | null {
    const tail = this.tail;
    this.tail = null;
    return tail;
  }
}
