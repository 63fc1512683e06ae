import { ValidationError } from '../domain/errors.ts';
import { isLookupId } from '../domain/ids.ts';
import { validateNotifyConfig, validateQueueName, validateQueueState } from '../domain/queues.ts';
import { readXmlBody, sendXml } from '../http/body.ts';
import type { HandlerArgs } from '../http/context.ts';
import { queryValue } from '../http/request-target.ts';
import { buildXml } from '../http/xml/build.ts';
import { textOf } from '../http/xml/parse.ts';
import { findQueue, queuesOfBucket, updateQueue } from '../store/control-plane.ts';
import { NotFoundError } from '../domain/errors.ts';
import { requireSmartAudio } from './control-plane-guard.ts';
import { listQuery, parsePaging } from './paging.ts';
import { queueToXml, readNotifyConfig } from './wire/queue-wire.ts';

/** Smart Audio queues (spec/buckets-queues.md §4–5). */

/**
 * GET /asrqueue — CAM `ci:DescribeAsrQueues`. With `queueIds`: the lookup
 * form (QueueList + NonExistPIDs); otherwise the paged form, `state=All` or
 * empty meaning no filter.
 */
export async function describeAsrQueues(args: HandlerArgs): Promise<void> {
  const enabled = await requireSmartAudio(args, 'read');
  const q = args.ctx.target.query;
  const queues = await queuesOfBucket(args.deps.store, enabled.bucket);
  const ids = listQuery(q, 'queueIds');
  if (ids) {
    const found = queues.filter((x) => ids.includes(x.id));
    const missing = ids.filter((id) => !found.some((x) => x.id === id));
    sendXml(
      args,
      buildXml('Response', {
        RequestId: args.ctx.requestId,
        QueueList: found.map(queueToXml),
        NonExistPIDs: missing.length > 0 ? { QueueID: missing } : undefined,
      }),
    );
    return;
  }
  const { pageNumber, pageSize, offset } = parsePaging(q);
  const state = queryValue(q, 'state') ?? '';
  if (!['', 'All', 'Active', 'Paused'].includes(state)) throw new ValidationError('state', `${JSON.stringify(state.slice(0, 32))} is not All, Active or Paused`);
  const matching = queues.filter((x) => state === '' || state === 'All' || x.state === state);
  sendXml(
    args,
    buildXml('Response', {
      RequestId: args.ctx.requestId,
      TotalCount: matching.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
      QueueList: matching.slice(offset, offset + pageSize).map(queueToXml),
    }),
  );
}

/**
 * PUT /asrqueue/<queueId> — CAM `ci:UpdateAsrQueue`. Accepts the 2025 body and
 * the legacy one (its `QueueID` element is ignored; the path wins). Name and
 * State are required; NotifyConfig replaces the stored one wholesale (§5 →
 * Impl). AMBIGUITY → chose: a body without NotifyConfig keeps the stored one
 * rather than switching notifications off behind the caller's back.
 */
export async function updateAsrQueue(args: HandlerArgs): Promise<void> {
  const enabled = await requireSmartAudio(args);
  const id = args.params[0]!;
  const body = await readXmlBody(args);
  const name = validateQueueName(textOf(body, 'Name'));
  const state = validateQueueState(textOf(body, 'State'));
  textOf(body, 'QueueID'); // legacy, ignored (still refused when repeated)
  const rawNotify = readNotifyConfig(body);
  const existing = isLookupId(id) ? await findQueue(args.deps.store.db, id) : undefined;
  if (!existing || existing.bucket !== enabled.bucket) throw new NotFoundError('QueueNotFound', `queue ${id.slice(0, 64)} does not exist in bucket ${enabled.bucket}`);
  const notifyConfig = rawNotify ? validateNotifyConfig(rawNotify) : existing.notifyConfig;
  const updated = await updateQueue(args.deps.store, id, enabled.bucket, { name, state, notifyConfig }, args.deps.store.now());
  if (!updated) throw new NotFoundError('QueueNotFound', `queue ${id.slice(0, 64)} does not exist in bucket ${enabled.bucket}`);
  args.deps.onQueueUpdated?.(updated.id);
  sendXml(args, buildXml('Response', { RequestId: args.ctx.requestId, Queue: queueToXml(updated) }));
}
