/**
 * The one error table (spec/errors.md §4, §7, §8).
 *
 * Every error the server can return is a row here. A row names the wire answer
 * for each endpoint family: CI endpoints (`*.ci.<region>.<suffix>`) and COS
 * object endpoints answer the same failure with different codes (e.g. a
 * signature mismatch is `403 AccessDenied` on CI but `403 SignatureDoesNotMatch`
 * on COS, spec/errors.md §7 and §8).
 */
export interface WireError {
  status: number;
  code: string;
  message: string;
}

export interface ErrorRow {
  ci: WireError;
  cos: WireError;
}

const row = (status: number, code: string, message: string, cos?: Partial<WireError>): ErrorRow => ({
  ci: { status, code, message },
  cos: { status: cos?.status ?? status, code: cos?.code ?? code, message: cos?.message ?? message },
});

export const ERRORS = {
  // --- authentication (spec/signature.md §5, spec/errors.md §7) ---
  MissingAuthorization: row(401, 'MissingAuthorization', 'The request carries no Authorization header and no q-* signature parameters.', {
    status: 403,
    code: 'AccessDenied',
  }),
  InvalidAuthorization: row(401, 'InvalidAuthorization', 'The Authorization value is malformed.', {
    status: 403,
    code: 'AccessDenied',
  }),
  SecretidNotExist: row(401, 'SecretidNotExist', 'The SecretId (q-ak) does not exist.', {
    status: 403,
    code: 'InvalidAccessKeyId',
  }),
  SignatureExpired: row(401, 'SignatureExpired', 'The signature time window (q-sign-time) has expired.', {
    status: 403,
    code: 'AccessDenied',
  }),
  RequestTimeTooSkewed: row(403, 'RequestTimeTooSkewed', 'The signature time window starts more than 15 minutes in the future.'),
  SignatureDoesNotMatch: row(403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.', {
    code: 'SignatureDoesNotMatch',
  }),
  AccessDenied: row(403, 'AccessDenied', 'Access denied.'),

  // --- request shape ---
  InvalidArgument: row(400, 'InvalidArgument', 'A request parameter is invalid.'),
  MissingContent: row(400, 'MissingContent', 'The request body is missing.'),
  InvalidContent: row(400, 'InvalidContent', 'The request body is malformed.', { code: 'MalformedXML' }),
  EntityTooLarge: row(413, 'InvalidContent', 'The request body is too large.', { status: 400, code: 'EntityTooLarge' }),
  InvalidDigest: row(400, 'InvalidContent', 'The Content-MD5 you specified is not valid.', { code: 'InvalidDigest' }),
  BadDigest: row(400, 'InvalidContent', 'The Content-MD5 you specified did not match what we received.', { code: 'BadDigest' }),
  EntitySizeNotMatch: row(400, 'InvalidContent', 'The body size does not match Content-Length.', { code: 'EntitySizeNotMatch' }),
  MissingContentLength: row(411, 'MissingContentLength', 'Content-Length is required.'),
  InvalidHost: row(400, 'InvalidHost', 'The Host header does not name a known endpoint.', { code: 'InvalidURI' }),
  InvalidUrl: row(404, 'InvalidUrl', 'The request URL is not valid for this service.', { status: 405, code: 'MethodNotAllowed' }),
  MethodNotAllowed: row(404, 'InvalidUrl', 'The method is not allowed on this resource.', { status: 405, code: 'MethodNotAllowed' }),
  InvalidURI: row(400, 'InvalidArgument', 'The object key is not valid.', { code: 'InvalidURI' }),
  KeyTooLong: row(400, 'InvalidArgument', 'The object key is too long.', { code: 'KeyTooLong' }),
  InvalidBucketName: row(400, 'InvalidArgument', 'The bucket name is not valid.', { code: 'InvalidBucketName' }),
  InvalidRequest: row(400, 'InvalidArgument', 'The request is not valid.', { code: 'InvalidRequest' }),

  // --- resources ---
  NoSuchBucket: row(404, 'NoSuchBucket', 'The specified bucket does not exist.'),
  NoSuchKey: row(404, 'NoSuchKey', 'The specified key does not exist.'),
  BucketAlreadyExists: row(409, 'BucketAlreadyExists', 'The requested bucket name is not available.'),
  BucketNotEmpty: row(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty.'),
  InvalidRange: row(416, 'InvalidRange', 'The requested range is not satisfiable.'),
  PreconditionFailed: row(412, 'PreconditionFailed', 'At least one of the preconditions you specified did not hold.'),
  NotModified: row(304, 'NotModified', 'Not modified.'),
  // COS multipart upload (src/api/multipart.ts; COS API reference, Complete Multipart Upload errors).
  NoSuchUpload: row(404, 'NoSuchUpload', 'The specified multipart upload does not exist.'),
  InvalidPart: row(400, 'InvalidPart', 'One or more of the specified parts could not be found.'),
  InvalidPartOrder: row(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.'),
  EntityTooSmall: row(400, 'EntityTooSmall', 'A part other than the last is smaller than the minimum part size.'),

  // --- Smart Audio control plane (spec/errors.md §4, §7) ---
  MediaBucketUnBinded: row(400, 'InvalidArgument', 'MediaBucketUnBinded: Smart Audio is not enabled on this bucket.'),
  MediaBucketAlreadyBinded: row(403, 'MediaBucketAlreadyBinded', 'Smart Audio is already enabled on this bucket.'),
  ResourceNotFound: row(400, 'ResourceNotFound', 'The specified input resource does not exist.'),
  ResourceNotSupported: row(400, 'ResourceNotSupported', 'The input file is corrupt or not supported.'),
  ResourceAccessDenied: row(400, 'ResourceAccessDenied', 'No permission on the specified resource.'),
  ResourceDownloadFailed: row(400, 'ResourceDownloadFailed', 'Downloading the input failed.'),
  QueueSaturated: row(403, 'QueueSaturated', 'The queue is full.'),
  QueuePaused: row(403, 'QueuePaused', 'The queue is paused.'),

  // --- server ---
  InternalError: row(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  NotImplemented: row(501, 'NotImplemented', 'This operation is not implemented.'),
  ServiceUnavailable: row(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry.'),
} satisfies Record<string, ErrorRow>;

export type ErrorName = keyof typeof ERRORS;
