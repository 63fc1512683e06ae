import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { SETTINGS } from '../config/settings.ts';
import { runKeys } from './keys.ts';
import { runServe, runWorker } from './serve.ts';
import { runSeparate } from './separate.ts';

const USAGE = `Usage: smart-audio <command> [options]

Commands:
  serve                 Start the server (API + job worker) on the embedded defaults (SQLite + local files under --data-dir).
  serve --no-worker     The API alone (run workers as separate processes; same as --worker-concurrency 0).
  worker                Run the job worker alone against the same --store (PostgreSQL) or --data-dir (SQLite).
  separate <input> [--mode IsAudio|IsBackground|AudioAndBackground|MusicMode] [--codec aac|mp3|flac|amr|wav]
           [--samplerate N] [--bitrate KBPS] [--channels N] [--engine auto|tcnmask4|tcnmask|dsp|gtcrn] [--out DIR]
                        Separate a local file into stems, no server needed; writes <DIR>/<name>.<stem>.<ext>.
  keys list             List credentials (secret keys are not shown).
  keys create --policy <file.json> [--name N] [--appid A]
                        Create a sub-account key limited by a CAM policy; prints SecretId/SecretKey once.
  keys create --root --appid A
                        Create a root key for another APPID (a second tenant).
  keys revoke <SecretId>
                        Revoke a key (effective within --credential-cache-ms on running servers).
  help                  This text.

Server options (flag, environment variable, default):
${SETTINGS.map((s) => `  --${s.flag.padEnd(22)} ${s.env.padEnd(34)} ${Array.isArray(s.default) ? s.default.join(',') : String(s.default ?? '')}\n      ${s.doc}`).join('\n')}
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const options = Object.fromEntries(
    SETTINGS.map((s) => [s.flag, s.type === 'bool' ? ({ type: 'boolean' } as const) : ({ type: 'string' } as const)]),
  );
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
        return await runServe(loadConfig(values));
      }
      case 'worker': {
        const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
        return await runWorker(loadConfig(values));
      }
      case 'separate': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: {
            mode: { type: 'string', default: 'AudioAndBackground' },
            codec: { type: 'string' },
            samplerate: { type: 'string' },
            bitrate: { type: 'string' },
            channels: { type: 'string' },
            out: { type: 'string', default: '.' },
            engine: { type: 'string', default: 'auto' },
          },
          strict: true,
          allowPositionals: true,
        });
        if (positionals.length !== 1) {
          process.stderr.write('smart-audio separate: give exactly one input file\n');
          return 2;
        }
        return await runSeparate({ input: positionals[0]!, ...(values as { mode: string; out: string; engine: string }) });
      }
      case 'keys': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { ...options, policy: { type: 'string' }, name: { type: 'string' }, root: { type: 'boolean' } },
          strict: true,
          allowPositionals: true,
        });
        const { policy, name, root, ...settings } = values as Record<string, string | boolean | undefined>;
        return await runKeys(loadConfig(settings), positionals, { policy: policy as string | undefined, name: name as string | undefined, root: root === true });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`smart-audio: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`smart-audio: ${err.message}\n`);
      return 2;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`smart-audio: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
