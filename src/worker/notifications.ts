import { randomUUID } from 'node:crypto';
import type { Job } from '../domain/jobs/types.ts';
import type { Queue } from '../domain/queues.ts';
import { buildXml } from '../http/xml/build.ts';
import { jobToXml, xmlNodeToJson } from '../api/wire/job-wire.ts';
import type { Finish } from '../store/job-leases.ts';

/**
 * Which notifications a finished job sends (spec/callbacks.md §1): job-level
 * CallBack/CallBackFormat/CallBackType win over the queue's NotifyConfig
 * (State On and Event containing TaskFinish); `CallBack=no` turns the queue's
 * off for this job. Cancelled jobs are not notified (§1 → Impl).
 */
export function notificationsFor(job: Job, queue: Queue | undefined, now: number): Finish['callbacks'] {
  if (job.state !== 'Success' && job.state !== 'Failed') return [];
  const cb = job.spec.callback;
  const n = queue?.notifyConfig;
  const queueOn = n?.state === 'On' && (n.event ?? '').split(',').includes('TaskFinish');
  if (cb.url === 'no' && cb.type !== 'TDMQ') return [];
  const type = cb.type ?? (cb.url ? 'Url' : queueOn ? n!.type : undefined);
  if (!type) return [];
  const format = cb.format ?? (queueOn ? n!.resultFormat : undefined) ?? 'XML';
  let target: string | undefined;
  if (type === 'Url') {
    target = cb.url ?? (queueOn && n!.type === 'Url' ? n!.url : undefined);
  } else {
    const mq = cb.mq ?? (queueOn && n!.type === 'TDMQ' && n!.mqRegion && n!.mqName ? { mqRegion: n!.mqRegion, mqMode: n!.mqMode ?? 'Queue', mqName: n!.mqName } : undefined);
    if (mq) target = `tdmq://${mq.mqRegion}/${mq.mqMode}/${encodeURIComponent(mq.mqName)}`;
  }
  if (!target || target === 'no') return [];
  const body = notificationBody(job, format);
  return [{ id: randomUUID(), url: target, content_type: body.contentType, body: body.text, next_at: now, created_at: now }];
}

/** §2 (XML) and §3 (JSON) bodies; JobsDetail is a one-element array in JSON (§3 → Impl). */
export function notificationBody(job: Job, format: 'XML' | 'JSON'): { contentType: string; text: string } {
  const detail = jobToXml(job);
  if (format === 'JSON') {
    const json = xmlNodeToJson({ EventName: 'TaskFinish', JobsDetail: [detail] });
    return { contentType: 'application/json', text: JSON.stringify(json) };
  }
  return { contentType: 'application/xml', text: buildXml('Response', { EventName: 'TaskFinish', JobsDetail: detail }) };
}
