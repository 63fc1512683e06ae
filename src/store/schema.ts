/** Table types for the query builder; SQL lives in `migrations/`. Columns are snake_case. */
export interface CredentialsTable {
  secret_id: string;
  secret_key: string;
  appid: string;
  kind: 'root' | 'sub';
  name: string;
  policy: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface BucketsTable {
  name: string;
  appid: string;
  region: string;
  created_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface AsrBucketsTable {
  bucket: string;
  appid: string;
  region: string;
  queue_id: string;
  created_at: number;
}

export interface QueuesTable {
  id: string;
  bucket: string;
  name: string;
  state: 'Active' | 'Paused';
  max_size: number;
  max_concurrent: number;
  /** JSON of the NotifyConfig as stored (domain/queues.ts). */
  notify_config: string;
  created_at: number;
  updated_at: number;
}

export interface TemplatesTable {
  id: string;
  bucket: string;
  tag: string;
  name: string;
  /** JSON of the validated parameters (domain/templates/types.ts). */
  params: string;
  created_at: number;
  updated_at: number;
}

export type JobState = 'Submitted' | 'Running' | 'Success' | 'Failed' | 'Cancel' | 'Pause';

export interface JobsTable {
  id: string;
  seq: number;
  bucket: string;
  appid: string;
  region: string;
  queue_id: string;
  tag: string;
  state: JobState;
  job_level: number;
  input_object: string | null;
  spec: string;
  result: string | null;
  code: string;
  message: string;
  progress: number | null;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  run_after: number;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface CallbacksTable {
  id: string;
  job_id: string;
  url: string;
  content_type: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** COS multipart uploads in progress (src/store/multipart.ts). */
export interface MultipartUploadsTable {
  upload_id: string;
  bucket: string;
  key: string;
  appid: string;
  /** CAM principal that initiated it (qcs::cam::uin/…). */
  initiator: string;
  content_type: string;
  /** JSON: stored standard headers (cache-control, …). */
  headers: string;
  /** JSON: x-cos-meta-* headers. */
  user_meta: string;
  storage_class: string;
  initiated_at: number;
}

export interface MultipartPartsTable {
  upload_id: string;
  part_number: number;
  etag: string;
  size: number;
  /** Where the part's bytes are, in the internal multipart bucket of the object storage. */
  blob_key: string;
  last_modified: number;
}

export interface Database {
  jobs: JobsTable;
  callbacks: CallbacksTable;
  credentials: CredentialsTable;
  buckets: BucketsTable;
  asr_buckets: AsrBucketsTable;
  queues: QueuesTable;
  templates: TemplatesTable;
  schema_migrations: SchemaMigrationsTable;
  multipart_uploads: MultipartUploadsTable;
  multipart_parts: MultipartPartsTable;
}
