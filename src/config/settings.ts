/**
 * Every server setting in one list: name, environment variable, CLI flag,
 * default and meaning. `load.ts` turns env + flags into a frozen Config and
 * reports every problem at once. Only `config/` reads `process.env`.
 */
export type SettingType = 'string' | 'int' | 'bool' | 'list';

export interface Setting {
  name: keyof ConfigValues;
  env: string;
  flag: string;
  type: SettingType;
  default: string | number | boolean | string[] | undefined;
  doc: string;
  secret?: boolean;
}

export interface ConfigValues {
  host: string;
  port: number;
  dataDir: string;
  secretId: string | undefined;
  secretKey: string | undefined;
  appid: string | undefined;
  domainSuffixes: string[];
  defaultBucket: string | undefined;
  defaultRegion: string;
  trustForwardedHost: boolean;
  requireSignedHost: boolean;
  clockSkewSeconds: number;
  maxXmlBodyBytes: number;
  maxObjectBytes: number;
  credentialCacheMs: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  queueMaxSize: number;
  queueMaxConcurrent: number;
  maxTemplatesPerBucket: number;
  jobMaxAttempts: number;
  callbackAllow: string[];
  workerConcurrency: number;
  leaseMs: number;
  maxDurationSec: number;
  jobTimeoutSec: number;
  callbackMaxAttempts: number;
  callbackTimeoutMs: number;
  ffmpegPath: string | undefined;
  ffprobePath: string | undefined;
  engineChoice: string;
  musicEngine: string;
  fourStemEngine: string;
  speechEngine: string;
  noiseReductionEngine: string;
  noiseReductionMaxInputBytes: number;
  ttsFetchTimeoutMs: number;
  metricsPort: number;
  metricsHost: string;
  drainDelayMs: number;
  store: string | undefined;
  storePoolSize: number;
  multipartExpireHours: number;
  noWorker: boolean;
  storage: string;
  s3AccessKeyId: string | undefined;
  s3SecretAccessKey: string | undefined;
  s3TimeoutMs: number;
}

export const SETTINGS: readonly Setting[] = [
  { name: 'host', env: 'SMART_AUDIO_HOST', flag: 'host', type: 'string', default: '127.0.0.1', doc: 'Address to listen on (0.0.0.0 for all interfaces).' },
  { name: 'port', env: 'SMART_AUDIO_PORT', flag: 'port', type: 'int', default: 8080, doc: 'TCP port to listen on (0 = any free port).' },
  { name: 'dataDir', env: 'SMART_AUDIO_DATA_DIR', flag: 'data-dir', type: 'string', default: './data', doc: 'Directory holding the SQLite metadata file and the objects.' },
  { name: 'secretId', env: 'SMART_AUDIO_SECRET_ID', flag: 'secret-id', type: 'string', default: undefined, doc: 'Root account SecretId. Without it the first start creates one and prints it once.', secret: false },
  { name: 'secretKey', env: 'SMART_AUDIO_SECRET_KEY', flag: 'secret-key', type: 'string', default: undefined, doc: 'Root account SecretKey (also readable from SMART_AUDIO_SECRET_KEY_FILE).', secret: true },
  { name: 'appid', env: 'SMART_AUDIO_APPID', flag: 'appid', type: 'string', default: undefined, doc: 'Root account APPID (default 1250000000 when a root is created).' },
  { name: 'domainSuffixes', env: 'SMART_AUDIO_DOMAIN_SUFFIXES', flag: 'domain-suffix', type: 'list', default: ['myqcloud.com', 'tencentcos.cn'], doc: 'Host suffixes of virtual-host addressing: <bucket>.ci.<region>.<suffix>, <bucket>.cos.<region>.<suffix>, ci.<region>.<suffix>.' },
  { name: 'defaultBucket', env: 'SMART_AUDIO_DEFAULT_BUCKET', flag: 'default-bucket', type: 'string', default: undefined, doc: 'Bucket that requests to any other Host (an IP, a custom domain) address. Without it such requests are path-style: /<bucket>/<key>.' },
  { name: 'defaultRegion', env: 'SMART_AUDIO_DEFAULT_REGION', flag: 'default-region', type: 'string', default: 'ap-guangzhou', doc: 'Region of buckets addressed without a region in the Host.' },
  { name: 'trustForwardedHost', env: 'SMART_AUDIO_TRUST_FORWARDED_HOST', flag: 'trust-forwarded-host', type: 'bool', default: false, doc: 'Behind a reverse proxy that rewrites Host: route and verify signatures on X-Forwarded-Host.' },
  { name: 'requireSignedHost', env: 'SMART_AUDIO_REQUIRE_SIGNED_HOST', flag: 'require-signed-host', type: 'bool', default: false, doc: 'Refuse signatures that do not cover the host header (spec/signature.md §5.7).' },
  { name: 'clockSkewSeconds', env: 'SMART_AUDIO_CLOCK_SKEW_SECONDS', flag: 'clock-skew', type: 'int', default: 900, doc: 'How far in the future a signature window may start (spec/signature.md §5.4).' },
  { name: 'maxXmlBodyBytes', env: 'SMART_AUDIO_MAX_XML_BODY', flag: 'max-xml-body', type: 'int', default: 1 << 20, doc: 'Largest accepted CI request body (spec/errors.md §7).' },
  { name: 'maxObjectBytes', env: 'SMART_AUDIO_MAX_OBJECT_SIZE', flag: 'max-object-size', type: 'int', default: 5 * 1024 ** 3, doc: 'Largest single PUT Object body (spec/cos-objects.md: 5 GB).' },
  { name: 'credentialCacheMs', env: 'SMART_AUDIO_CREDENTIAL_CACHE_MS', flag: 'credential-cache-ms', type: 'int', default: 1000, doc: 'How long a looked-up credential is cached; a revoked key stops working within this time.' },
  { name: 'logLevel', env: 'SMART_AUDIO_LOG_LEVEL', flag: 'log-level', type: 'string', default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'shutdownTimeoutMs', env: 'SMART_AUDIO_SHUTDOWN_TIMEOUT_MS', flag: 'shutdown-timeout-ms', type: 'int', default: 30000, doc: 'On SIGTERM, how long in-flight requests may take before the process exits anyway.' },
  { name: 'queueMaxSize', env: 'SMART_AUDIO_QUEUE_MAX_SIZE', flag: 'queue-max-size', type: 'int', default: 10000, doc: 'MaxSize of a new Smart Audio queue: queued jobs beyond it are refused with QueueSaturated (spec/buckets-queues.md §7).' },
  { name: 'queueMaxConcurrent', env: 'SMART_AUDIO_QUEUE_MAX_CONCURRENT', flag: 'queue-max-concurrent', type: 'int', default: 10, doc: 'MaxConcurrent of a new Smart Audio queue: running jobs per queue (spec/buckets-queues.md §7).' },
  { name: 'maxTemplatesPerBucket', env: 'SMART_AUDIO_MAX_TEMPLATES_PER_BUCKET', flag: 'max-templates-per-bucket', type: 'int', default: 100000, doc: 'Custom templates a bucket may hold (numeric error 1110 CreatedTemplateNumLimit).' },
  { name: 'jobMaxAttempts', env: 'SMART_AUDIO_JOB_MAX_ATTEMPTS', flag: 'job-max-attempts', type: 'int', default: 3, doc: 'How many times a job is started before it is Failed when its worker keeps dying (kill -9, out of memory).' },
  { name: 'callbackAllow', env: 'SMART_AUDIO_CALLBACK_ALLOW', flag: 'callback-allow', type: 'list', default: [], doc: 'Address ranges callbacks may reach besides public ones: loopback, private, link-local and/or CIDRs (comma-separated). Default: public addresses only.' },
  { name: 'workerConcurrency', env: 'SMART_AUDIO_WORKER_CONCURRENCY', flag: 'worker-concurrency', type: 'int', default: 1, doc: 'Jobs one worker process runs at once (each in its own engine process). 0 disables the worker in `serve`.' },
  { name: 'leaseMs', env: 'SMART_AUDIO_LEASE_MS', flag: 'lease-ms', type: 'int', default: 30000, doc: 'Job lease: a running job whose worker has not renewed it for this long is run again elsewhere.' },
  { name: 'maxDurationSec', env: 'SMART_AUDIO_MAX_DURATION_SEC', flag: 'max-duration-sec', type: 'int', default: 4 * 3600, doc: 'Longest input a job accepts; longer inputs fail with InvalidArgument.' },
  { name: 'jobTimeoutSec', env: 'SMART_AUDIO_JOB_TIMEOUT_SEC', flag: 'job-timeout-sec', type: 'int', default: 4 * 3600, doc: 'A job running longer than this is stopped and Failed.' },
  { name: 'callbackMaxAttempts', env: 'SMART_AUDIO_CALLBACK_MAX_ATTEMPTS', flag: 'callback-max-attempts', type: 'int', default: 8, doc: 'Delivery attempts of one job notification before it is given up (backoff 2 s … 30 min).' },
  { name: 'callbackTimeoutMs', env: 'SMART_AUDIO_CALLBACK_TIMEOUT_MS', flag: 'callback-timeout-ms', type: 'int', default: 10000, doc: 'Timeout of one callback POST.' },
  { name: 'ffmpegPath', env: 'SMART_AUDIO_FFMPEG', flag: 'ffmpeg', type: 'string', default: undefined, doc: 'ffmpeg binary (default: the one shipped by @ffmpeg-installer/ffmpeg).' },
  { name: 'ffprobePath', env: 'SMART_AUDIO_FFPROBE', flag: 'ffprobe', type: 'string', default: undefined, doc: 'ffprobe binary (default: the one shipped by @ffprobe-installer/ffprobe).' },
  { name: 'engineChoice', env: 'SMART_AUDIO_ENGINE_CHOICE', flag: 'engine-choice', type: 'string', default: 'auto', doc: 'Which engine separates VoiceSeparate jobs: auto (a speech/music detector decides per input), speech or music (force one). MusicMode always uses the music engine.' },
  { name: 'musicEngine', env: 'SMART_AUDIO_MUSIC_ENGINE', flag: 'music-engine', type: 'string', default: 'tcnmask4', doc: 'Engine for music with two stems (voice/background): tcnmask4 (our 4-stem model, vocals vs the rest; the best on every 2-stem measure), tcnmask (our 2-stem model, about 1.5 times faster) or dsp.' },
  { name: 'fourStemEngine', env: 'SMART_AUDIO_FOUR_STEM_ENGINE', flag: 'four-stem-engine', type: 'string', default: 'tcnmask4', doc: 'Engine for MusicMode (vocals, drums, bass, other): tcnmask4 (our trained 4-stem model) or dsp (classical; better on bass).' },
  { name: 'speechEngine', env: 'SMART_AUDIO_SPEECH_ENGINE', flag: 'speech-engine', type: 'string', default: 'gtcrn', doc: 'Engine for speech: voice = the enhanced speech, background = the rest.' },
  { name: 'noiseReductionEngine', env: 'SMART_AUDIO_NOISE_REDUCTION_ENGINE', flag: 'noise-reduction-engine', type: 'string', default: 'gtcrn', doc: 'Engine of NoiseReduction jobs: gtcrn (better, 16 kHz speech band) or rnnoise (about 4 times less CPU, full band at 48 kHz).' },
  { name: 'noiseReductionMaxInputBytes', env: 'SMART_AUDIO_NOISE_REDUCTION_MAX_INPUT_BYTES', flag: 'noise-reduction-max-input-bytes', type: 'int', default: 10 * 1024 * 1024, doc: 'Largest NoiseReduction input (spec/limits.md: 10 MB); larger inputs are refused with InvalidArgument.' },
  { name: 'ttsFetchTimeoutMs', env: 'SMART_AUDIO_TTS_FETCH_TIMEOUT_MS', flag: 'tts-fetch-timeout-ms', type: 'int', default: 30000, doc: 'Timeout of downloading the text of a Tts job given as an http(s) URL (addresses as for callbacks: --callback-allow).' },
  { name: 'metricsPort', env: 'SMART_AUDIO_METRICS_PORT', flag: 'metrics-port', type: 'int', default: 0, doc: 'Admin listener for Prometheus /metrics, /healthz and /readyz (0 = off). Kept off the API port so metrics are not public.' },
  { name: 'metricsHost', env: 'SMART_AUDIO_METRICS_HOST', flag: 'metrics-host', type: 'string', default: '127.0.0.1', doc: 'Address of the admin listener (--metrics-port).' },
  { name: 'drainDelayMs', env: 'SMART_AUDIO_DRAIN_DELAY_MS', flag: 'drain-delay-ms', type: 'int', default: 0, doc: 'On SIGTERM, how long /readyz answers 503 while requests are still accepted, before the listener closes (time for a load balancer to take this server out).' },
  { name: 'store', env: 'SMART_AUDIO_STORE', flag: 'store', type: 'string', default: undefined, doc: 'Metadata store: a postgres://user:password@host:5432/db URL (also readable from SMART_AUDIO_STORE_FILE, keeping the password out of process lists), or sqlite (the default: metadata.sqlite in --data-dir).', secret: true },
  { name: 'multipartExpireHours', env: 'SMART_AUDIO_MULTIPART_EXPIRE_HOURS', flag: 'multipart-expire-hours', type: 'int', default: 168, doc: 'Unfinished multipart uploads older than this are aborted and their parts deleted (checked hourly; 0 = never).' },
  { name: 'storePoolSize', env: 'SMART_AUDIO_STORE_POOL_SIZE', flag: 'store-pool-size', type: 'int', default: 10, doc: 'PostgreSQL connections per process (--store postgres://…); size it with max_connections ÷ processes. Ignored for SQLite.' },
  { name: 'noWorker', env: 'SMART_AUDIO_NO_WORKER', flag: 'no-worker', type: 'bool', default: false, doc: '`serve` runs the API only; run `smart-audio worker` processes against the same --store and storage.' },
  { name: 'storage', env: 'SMART_AUDIO_STORAGE', flag: 'storage', type: 'string', default: '', doc: 'Where objects live: empty = local files under --data-dir; s3://<bucket>[/<prefix>]?endpoint=http(s)://host:port&region=…&forcePathStyle=true for an S3-compatible store (AWS S3, MinIO, Ceph RGW, COS). Also readable from SMART_AUDIO_STORAGE_FILE.', secret: true },
  { name: 's3AccessKeyId', env: 'SMART_AUDIO_S3_ACCESS_KEY_ID', flag: 's3-access-key-id', type: 'string', default: undefined, doc: 'Access key of the S3 store (else the URL, else the AWS SDK chain: AWS_ACCESS_KEY_ID, profile, instance role).' },
  { name: 's3SecretAccessKey', env: 'SMART_AUDIO_S3_SECRET_ACCESS_KEY', flag: 's3-secret-access-key', type: 'string', default: undefined, doc: 'Secret key of the S3 store (also readable from SMART_AUDIO_S3_SECRET_ACCESS_KEY_FILE).', secret: true },
  { name: 's3TimeoutMs', env: 'SMART_AUDIO_S3_TIMEOUT_MS', flag: 's3-timeout-ms', type: 'int', default: 5000, doc: 'Connect and inactivity timeout of one request to the S3 store; an unreachable store answers 503 ServiceUnavailable after about twice this.' },
];
