// eSpeak NG (WebAssembly, @echogarden/espeak-ng-emscripten, GPL-3.0) in a
// worker_thread, so synthesis never blocks the server's event loop.
//
// Plain JavaScript on purpose: a worker thread does not always inherit the
// TypeScript loader. The protocol (espeak-client.ts is the only caller):
//   → { type: 'synthesize', id, text, voice, rate, pitch, range }
//   ← { type: 'chunk', id, samples: Int16Array (transferred), textPos }  (any number)
//   ← { type: 'done', id, sampleRate } | { type: 'error', id, message }
//   → { type: 'variants', id }  ← { type: 'variants', id, names: string[] }
// Samples are mono 16-bit at eSpeak's rate (22050 Hz). Input text is plain
// text: eSpeak runs with SSML enabled, so the client escapes <, > and &.
import { parentPort } from 'node:worker_threads';
import EspeakInit from '@echogarden/espeak-ng-emscripten';

const VARIANTS_DIR = '/usr/share/espeak-ng-data/voices/!v';
/** Post audio in blocks of about one second, not per eSpeak callback (a few ms each). */
const BLOCK_SAMPLES = 22050;

const module = await EspeakInit();
const engine = new module.eSpeakNGWorker();

function synthesize(msg) {
  const rc = engine.set_voice(msg.voice);
  if (rc !== 0) throw new Error(`eSpeak has no voice ${msg.voice} (set_voice returned ${rc})`);
  engine.set_rate(msg.rate);
  engine.set_pitch(msg.pitch);
  engine.set_range(msg.range);
  let pending = [];
  let pendingLength = 0;
  let textPos = 0;
  const flush = () => {
    if (pendingLength === 0) return;
    const block = new Int16Array(pendingLength);
    let at = 0;
    for (const p of pending) {
      block.set(p, at);
      at += p.length;
    }
    pending = [];
    pendingLength = 0;
    parentPort.postMessage({ type: 'chunk', id: msg.id, samples: block, textPos }, [block.buffer]);
  };
  engine.synthesize(msg.text, (samples, events) => {
    if (samples && samples.length > 0) {
      pending.push(samples);
      pendingLength += samples.length;
    }
    for (const e of events) if (e.type === 'word' && e.text_position > textPos) textPos = e.text_position;
    if (pendingLength >= BLOCK_SAMPLES) flush();
    return 0; // 0 = go on (1 would abort)
  });
  flush();
  parentPort.postMessage({ type: 'done', id: msg.id, sampleRate: engine.samplerate });
}

parentPort.on('message', (msg) => {
  try {
    if (msg.type === 'synthesize') synthesize(msg);
    else if (msg.type === 'variants') {
      const names = module.FS.readdir(VARIANTS_DIR).filter((n) => n !== '.' && n !== '..');
      parentPort.postMessage({ type: 'variants', id: msg.id, names });
    } else throw new Error(`unknown message type ${msg.type}`);
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: String(err && err.message ? err.message : err) });
  }
});
parentPort.postMessage({ type: 'ready' });
