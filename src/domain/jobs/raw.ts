import type { RawParamsByTag } from '../templates/index.ts';

/** A `POST /jobs` body as received: every leaf a string, absent = not set (spec/jobs.md §1). */
export interface RawJobRequest {
  Tag?: string;
  Input?: { Object?: string; Url?: string };
  QueueId?: string;
  CallBack?: string;
  CallBackFormat?: string;
  CallBackType?: string;
  CallBackMqConfig?: { MqRegion?: string; MqMode?: string; MqName?: string };
  Operation?: {
    TemplateId?: string;
    /** Inline parameter container of the job's tag, when present. */
    inline: Partial<RawParamsByTag>;
    TtsConfig?: { InputType?: string; Input?: string };
    Output?: { Region?: string; Bucket?: string; Object?: string; AuObject?: string; BassObject?: string; DrumObject?: string };
    UserData?: string;
    JobLevel?: string;
  };
}
