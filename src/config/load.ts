import { readFileSync } from 'node:fs';
import { SETTINGS, type ConfigValues, type Setting } from './settings.ts';
import { parseStorageUrl } from '../storage/storage-url.ts';

export type Config = Readonly<ConfigValues>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function convert(s: Setting, raw: string, problems: string[]): unknown {
  switch (s.type) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) {
        problems.push(`${s.env} / --${s.flag}: expected an integer, got "${raw}"`);
        return s.default;
      }
      return Number(raw.trim());
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      problems.push(`${s.env} / --${s.flag}: expected true or false, got "${raw}"`);
      return s.default;
    }
    case 'list':
      return raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
  }
}

/**
 * Builds the Config from defaults, then the environment, then CLI flags (flags
 * win). `*_FILE` variants of secret settings are read from files.
 */
export function loadConfig(flags: Record<string, string | boolean | undefined> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    let raw: string | undefined;
    const fileVar = env[`${s.env}_FILE`];
    if (s.secret && fileVar) {
      try {
        raw = readFileSync(fileVar, 'utf8').trim();
      } catch (err) {
        problems.push(`${s.env}_FILE: cannot read ${fileVar}: ${(err as Error).message}`);
      }
    }
    if (env[s.env] !== undefined && env[s.env] !== '') raw = env[s.env];
    const flag = flags[s.flag];
    if (flag !== undefined) raw = typeof flag === 'boolean' ? String(flag) : flag;
    out[s.name] = raw === undefined ? s.default : convert(s, raw, problems);
  }
  const c = out as unknown as ConfigValues;
  if (c.port < 0 || c.port > 65535) problems.push(`--port: ${c.port} is not a TCP port`);
  if ((c.secretId === undefined) !== (c.secretKey === undefined)) {
    problems.push('SMART_AUDIO_SECRET_ID and SMART_AUDIO_SECRET_KEY must be given together');
  }
  if (c.secretId !== undefined && !/^[A-Za-z0-9_-]{4,128}$/.test(c.secretId)) problems.push('SMART_AUDIO_SECRET_ID: 4–128 letters, digits, "_" or "-"');
  if (c.secretKey !== undefined && c.secretKey.length < 8) problems.push('SMART_AUDIO_SECRET_KEY: at least 8 characters');
  if (c.appid !== undefined && !/^\d{1,20}$/.test(c.appid)) problems.push(`SMART_AUDIO_APPID: digits only, got "${c.appid}"`);
  if (c.defaultBucket !== undefined && !/^[a-z0-9-]+-\d+$/.test(c.defaultBucket)) {
    problems.push(`SMART_AUDIO_DEFAULT_BUCKET: expected <name>-<appid>, got "${c.defaultBucket}"`);
  }
  if (!/^[a-z0-9-]+$/.test(c.defaultRegion)) problems.push(`SMART_AUDIO_DEFAULT_REGION: expected a region like ap-guangzhou, got "${c.defaultRegion}"`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.logLevel)) problems.push(`SMART_AUDIO_LOG_LEVEL: unknown level "${c.logLevel}"`);
  if (!['auto', 'speech', 'music'].includes(c.engineChoice)) problems.push(`SMART_AUDIO_ENGINE_CHOICE: auto, speech or music, got "${c.engineChoice}"`);
  if (!['gtcrn', 'rnnoise'].includes(c.noiseReductionEngine)) problems.push(`SMART_AUDIO_NOISE_REDUCTION_ENGINE: gtcrn or rnnoise, got "${c.noiseReductionEngine}"`);
  if (c.noiseReductionMaxInputBytes < 1) problems.push(`--noise-reduction-max-input-bytes: at least 1, got ${c.noiseReductionMaxInputBytes}`);
  if (c.ttsFetchTimeoutMs < 1) problems.push(`--tts-fetch-timeout-ms: at least 1, got ${c.ttsFetchTimeoutMs}`);
  if (c.metricsPort < 0 || c.metricsPort > 65535) problems.push(`--metrics-port: ${c.metricsPort} is not a TCP port`);
  if (c.metricsPort > 0 && c.metricsPort === c.port) problems.push(`--metrics-port: ${c.metricsPort} is the API port; the admin listener needs its own`);
  if (c.drainDelayMs < 0) problems.push(`--drain-delay-ms: at least 0, got ${c.drainDelayMs}`);
  if (c.store !== undefined && c.store !== 'sqlite' && !/^postgres(ql)?:\/\/./i.test(c.store)) {
    problems.push('SMART_AUDIO_STORE / --store: expected sqlite or a postgres:// URL');
  }
  try {
    parseStorageUrl(c.storage);
  } catch (err) {
    problems.push(`SMART_AUDIO_STORAGE / --storage: ${(err as Error).message}`);
  }
  if ((c.s3AccessKeyId === undefined) !== (c.s3SecretAccessKey === undefined)) problems.push('SMART_AUDIO_S3_ACCESS_KEY_ID and SMART_AUDIO_S3_SECRET_ACCESS_KEY must be given together');
  if (c.multipartExpireHours < 0) problems.push(`--multipart-expire-hours: at least 0, got ${c.multipartExpireHours}`);
  if (c.storePoolSize < 1 || c.storePoolSize > 1000) problems.push(`--store-pool-size: 1 to 1000, got ${c.storePoolSize}`);
  if (c.s3TimeoutMs < 100) problems.push(`--s3-timeout-ms: at least 100, got ${c.s3TimeoutMs}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(c);
}
