import type { NotifyConfig, Queue, RawNotifyConfig } from '../../domain/queues.ts';
import { formatCiTime } from '../../domain/time.ts';
import type { XmlNode } from '../../http/xml/build.ts';
import { nodeOf, textOf, type XmlTree } from '../../http/xml/parse.ts';

/** Queue XML (spec/buckets-queues.md §4–6), element order as in the samples. */
export function notifyConfigToXml(n: NotifyConfig): XmlNode {
  return {
    Url: n.url ?? '',
    Event: n.event,
    Type: n.type,
    State: n.state,
    ResultFormat: n.resultFormat,
    MqMode: n.mqMode,
    MqRegion: n.mqRegion,
    MqName: n.mqName,
  };
}

export function queueToXml(q: Queue): XmlNode {
  return {
    QueueId: q.id,
    Name: q.name,
    State: q.state,
    NotifyConfig: notifyConfigToXml(q.notifyConfig),
    MaxSize: q.maxSize,
    MaxConcurrent: q.maxConcurrent,
    UpdateTime: formatCiTime(q.updatedAt),
    CreateTime: formatCiTime(q.createdAt),
  };
}

const NOTIFY_FIELDS = ['State', 'Event', 'Type', 'Url', 'ResultFormat', 'MqMode', 'MqRegion', 'MqName'] as const;

/** Reads `<NotifyConfig>` (2025 and legacy bodies share the element names). */
export function readNotifyConfig(tree: XmlTree | undefined): RawNotifyConfig | undefined {
  const node = nodeOf(tree, 'NotifyConfig');
  if (!node) return undefined;
  const raw: RawNotifyConfig = {};
  for (const f of NOTIFY_FIELDS) raw[f] = textOf(node, f, `NotifyConfig.${f}`);
  return raw;
}
