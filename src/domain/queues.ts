import { ValidationError } from './errors.ts';

/**
 * The Smart Audio queue and its notification settings
 * (spec/buckets-queues.md §4–7).
 */
export type QueueState = 'Active' | 'Paused';

export interface NotifyConfig {
  /** `On` / `Off` (default Off, §6). */
  state: 'On' | 'Off';
  /** Comma-separated `TaskFinish` / `WorkflowFinish`, as sent. */
  event: string | undefined;
  type: 'Url' | 'TDMQ' | undefined;
  url: string | undefined;
  /** `XML` (default) / `JSON`. */
  resultFormat: 'XML' | 'JSON' | undefined;
  mqMode: 'Queue' | 'Topic' | undefined;
  mqRegion: string | undefined;
  mqName: string | undefined;
}

export interface Queue {
  id: string;
  bucket: string;
  name: string;
  state: QueueState;
  maxSize: number;
  maxConcurrent: number;
  notifyConfig: NotifyConfig;
  createdAt: number;
  updatedAt: number;
}

export const EMPTY_NOTIFY_CONFIG: NotifyConfig = {
  state: 'Off',
  event: undefined,
  type: undefined,
  url: undefined,
  resultFormat: undefined,
  mqMode: undefined,
  mqRegion: undefined,
  mqName: undefined,
};

/** §5: Chinese characters, letters, digits, `_`, `-`, `*`; ≤ 128 (the 2025 limit; the legacy 100 is looser-compatible). */
const QUEUE_NAME_RE = /^[\p{Script=Han}A-Za-z0-9_\-*]{1,128}$/u;
const EVENTS = ['TaskFinish', 'WorkflowFinish'];
const MQ_REGIONS = ['sh', 'bj', 'gz', 'cd', 'hk'];
const MAX_URL_CHARS = 1024;

const show = (v: string) => JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);

export function validateQueueName(value: string | undefined): string {
  if (value === undefined || value === '') throw new ValidationError('Name', 'is required');
  if (!QUEUE_NAME_RE.test(value)) {
    throw new ValidationError('Name', `${show(value)} must be 1–128 Chinese characters, letters, digits, "_", "-" or "*"`);
  }
  return value;
}

export function validateQueueState(value: string | undefined): QueueState {
  if (value === 'Active' || value === 'Paused') return value;
  throw new ValidationError('State', value === undefined || value === '' ? 'is required (Active or Paused)' : `${show(value)} is not Active or Paused`);
}

export interface RawNotifyConfig {
  State?: string;
  Event?: string;
  Type?: string;
  Url?: string;
  ResultFormat?: string;
  MqMode?: string;
  MqRegion?: string;
  MqName?: string;
}

function oneOf<T extends string>(value: string | undefined, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ValidationError(field, `${show(value)} is not one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * §6. Required-when rules apply only when `State=On`; with `State=Off` the
 * other fields are kept as sent so that switching back on needs no re-entry.
 */
export function validateNotifyConfig(raw: RawNotifyConfig | undefined): NotifyConfig {
  if (!raw) return { ...EMPTY_NOTIFY_CONFIG };
  const p = 'NotifyConfig';
  const state = oneOf(raw.State, `${p}.State`, ['On', 'Off'] as const) ?? 'Off';
  const type = oneOf(raw.Type, `${p}.Type`, ['Url', 'TDMQ'] as const);
  const resultFormat = oneOf(raw.ResultFormat, `${p}.ResultFormat`, ['XML', 'JSON'] as const);
  const mqMode = oneOf(raw.MqMode, `${p}.MqMode`, ['Queue', 'Topic'] as const);
  const mqRegion = oneOf(raw.MqRegion, `${p}.MqRegion`, MQ_REGIONS);
  let event: string | undefined;
  if (raw.Event !== undefined && raw.Event !== '') {
    const parts = raw.Event.split(',').map((e) => e.trim());
    for (const e of parts) if (!EVENTS.includes(e)) throw new ValidationError(`${p}.Event`, `${show(e)} is not one of ${EVENTS.join(', ')}`);
    event = [...new Set(parts)].join(',');
  }
  const url = raw.Url === undefined || raw.Url === '' ? undefined : raw.Url.trim();
  if (url !== undefined) {
    if (url.length > MAX_URL_CHARS) throw new ValidationError(`${p}.Url`, `is ${url.length} characters; the limit is ${MAX_URL_CHARS}`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError(`${p}.Url`, `${show(url)} is not an absolute URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ValidationError(`${p}.Url`, `${show(url)} must be http:// or https://`);
    if (parsed.username || parsed.password) throw new ValidationError(`${p}.Url`, 'must not carry credentials');
  }
  const mqName = raw.MqName === undefined || raw.MqName === '' ? undefined : raw.MqName;
  if (mqName !== undefined && mqName.length > 256) throw new ValidationError(`${p}.MqName`, 'is longer than 256 characters');
  if (state === 'On') {
    if (!event) throw new ValidationError(`${p}.Event`, 'is required when State is On');
    if (!type) throw new ValidationError(`${p}.Type`, 'is required when State is On (Url or TDMQ)');
    if (type === 'Url' && !url) throw new ValidationError(`${p}.Url`, 'is required when State is On and Type is Url');
    if (type === 'TDMQ') {
      if (!mqRegion) throw new ValidationError(`${p}.MqRegion`, 'is required when Type is TDMQ');
      if (!mqName) throw new ValidationError(`${p}.MqName`, 'is required when Type is TDMQ');
    }
  }
  return { state, event, type, url, resultFormat, mqMode: type === 'TDMQ' ? (mqMode ?? 'Queue') : mqMode, mqRegion, mqName };
}
