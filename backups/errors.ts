import type { BackupFailureReason } from '../catalog/labels.ts';

/** Why a backup run failed, as counted by `aidb_backup_runs_total{reason}`. */
export type FailureReason = Exclude<BackupFailureReason, 'none'>;

/** A backup, verification or restore failure with a stable reason an alert can key on. */
export class BackupError extends Error {
  readonly reason: FailureReason;
  /** For verification failures: which check failed (`stored_sha256_mismatch`, …), stable. */
  readonly check: string | undefined;
  constructor(
    reason: FailureReason,
    message: string,
    options?: ErrorOptions & { readonly check?: string },
  ) {
    super(message, options);
    this.name = 'BackupError';
    this.reason = reason;
    this.check = options?.check;
  }
}

/** A failed verification check, with its stable name. */
export function checkFailed(check: string, message: string, cause?: unknown): BackupError {
  return new BackupError('verify_failed', `backups: ${message}`, { check, cause });
}

function errnoOf(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The reason of any error thrown during a run; a full disk is told apart from other I/O errors. */
export function reasonOf(error: unknown): FailureReason {
  if (error instanceof BackupError) return error.reason;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  const code = errnoOf(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
  if (code === 'ABORT_ERR') return 'cancelled';
  return 'other';
}

/** Wraps an error with the module's context, keeping a known reason. */
export function wrap(fallback: FailureReason, message: string, cause: unknown): BackupError {
  const reason = reasonOf(cause);
  return new BackupError(reason === 'other' ? fallback : reason, message, { cause });
}
