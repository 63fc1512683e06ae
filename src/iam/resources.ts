/**
 * CAM resource names for what a request touches (issue #2 §4).
 * CI: `qcs::ci:<region>:uid/<appid>:bucket/<bucket>/<path>` (path without the leading `/`, e.g. `template/t1…`).
 * COS: `qcs::cos:<region>:uid/<appid>:<bucket>/<key>` (the COS console's format).
 * APIs authorised at API level (GET /asrbucket on the regional host) use `*`.
 */
export function ciResource(region: string, appid: string, bucket: string, path: string): string {
  return `qcs::ci:${region}:uid/${appid}:bucket/${bucket}/${path.replace(/^\/+/, '')}`;
}

export function cosResource(region: string, appid: string, bucket: string, key: string): string {
  return `qcs::cos:${region}:uid/${appid}:${bucket}/${key}`;
}

/** The APPID a bucket name carries (`<name>-<appid>`), or undefined. */
export function appidOfBucket(bucket: string): string | undefined {
  return /-(\d+)$/.exec(bucket)?.[1];
}
