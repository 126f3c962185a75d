import type { BackupTarget } from '../catalog/labels.ts';

/** What a long operation reports as it goes, for a terminal display or a log line. */
export interface Progress {
  readonly phase: 'backup' | 'checksum' | 'verify' | 'restore';
  readonly target: BackupTarget;
  /** The part being processed (`dump`, a collection …). */
  readonly part: string;
  readonly bytes: number;
  /** Known for reads of stored files; a dump's size is not known in advance. */
  readonly totalBytes?: number;
}

export type OnProgress = (progress: Progress) => void;
