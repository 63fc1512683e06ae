/**
 * Output key wildcards (spec/jobs.md §1.7): `${ext}` → the produced file's
 * extension, `${jobid}` → the job id. Supported in every `*Object` field.
 */
export function expandOutputKey(template: string, vars: { jobId: string; ext: string }): string {
  return template.replace(/\$\{(ext|jobid)\}/g, (_m, name: string) => (name === 'ext' ? vars.ext : vars.jobId));
}

/** Stems a VoiceSeparate job writes, by AudioMode, and the Output field each goes to (spec/jobs.md §1.2 → Impl). */
export type Stem = 'vocals' | 'background' | 'bass' | 'drums';

export interface StemTarget {
  stem: Stem;
  /** The `Output` element whose key template is used. */
  field: 'AuObject' | 'Object' | 'BassObject' | 'DrumObject';
  key: string;
}

export function voiceSeparateTargets(
  mode: 'IsAudio' | 'IsBackground' | 'AudioAndBackground' | 'MusicMode',
  out: { object?: string; auObject?: string; bassObject?: string; drumObject?: string },
): StemTarget[] {
  switch (mode) {
    case 'IsAudio':
      // Lenient: the voice goes to AuObject, or to Object when only that is given.
      return [{ stem: 'vocals', field: out.auObject ? 'AuObject' : 'Object', key: (out.auObject ?? out.object)! }];
    case 'IsBackground':
      return [{ stem: 'background', field: out.object ? 'Object' : 'AuObject', key: (out.object ?? out.auObject)! }];
    case 'AudioAndBackground':
    case 'MusicMode': {
      // Voice first, then background (the order of the spec's MediaResult sample, §2.1).
      const targets: StemTarget[] = [
        { stem: 'vocals', field: 'AuObject', key: out.auObject! },
        { stem: 'background', field: 'Object', key: out.object! },
      ];
      if (mode === 'MusicMode' && out.bassObject) targets.push({ stem: 'bass', field: 'BassObject', key: out.bassObject });
      if (mode === 'MusicMode' && out.drumObject) targets.push({ stem: 'drums', field: 'DrumObject', key: out.drumObject });
      return targets;
    }
  }
}
