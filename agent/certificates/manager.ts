import {
  certificateHookRuns,
  certificateLastRenewalAttempt,
  certificateLastRenewalSuccess,
  certificateNotAfter,
  certificateRemaining,
  certificateRenewals,
} from '../../catalog/metrics/certificates.ts';
import type { CertificateConfig } from '../../config/sections/agent-certificates.ts';
import type { CatalogMeter } from '../../lib/telemetry/catalog-meter.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Issued } from './acme.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { readCertificateFile, type CertificateOnDisk } from './files.ts';
import type { HookResult } from './hook.ts';
import { backoffDelayMs, coversDomains, renewalDue, type Backoff } from './policy.ts';

/** One certificate as `/status` and `aidb agent status` show it. */
export interface CertificateStatus {
  readonly domain: string;
  readonly domains: readonly string[];
  readonly certFile: string;
  readonly renew: boolean;
  readonly notAfter: string | null;
  readonly remainingSeconds: number | null;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastResult: 'success' | 'failure' | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  /** Earliest next attempt after failures (backoff); null when not backing off. */
  readonly retryAfter: string | null;
  readonly hook: {
    readonly at: string;
    readonly exitCode: number | null;
    readonly error: string | null;
  } | null;
}

export interface CertificateManagerDeps {
  readonly certificates: readonly CertificateConfig[];
  readonly renewBeforeFraction: number;
  readonly backoff: Backoff;
  /** Issues a certificate (ACME); only called for certificates with `renew`. */
  readonly issue: (domains: readonly string[]) => Promise<Issued>;
  /** Runs the post-renewal hook; absent when none is configured. */
  readonly hook?: (
    env: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ) => Promise<HookResult>;
  readonly meter: CatalogMeter;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface RunOptions {
  /** Renew every renewable certificate now, due or not, ignoring backoff. */
  readonly force?: boolean;
}

export interface CertificateManager {
  /** Reads every certificate, renews those due; rejects naming the ones that failed. */
  run(signal: AbortSignal, options?: RunOptions): Promise<void>;
  status(): readonly CertificateStatus[];
}

interface State {
  onDisk: CertificateOnDisk | undefined;
  lastAttemptMs: number | undefined;
  lastSuccessMs: number | undefined;
  lastResult: 'success' | 'failure' | undefined;
  lastError: string | undefined;
  failures: number;
  retryAtMs: number | undefined;
  hook: CertificateStatus['hook'];
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();
const errorText = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

export function createCertificateManager(deps: CertificateManagerDeps): CertificateManager {
  const { meter, logger } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const notAfter = meter.gauge(certificateNotAfter);
  const renewals = meter.counter(certificateRenewals);
  const lastSuccess = meter.gauge(certificateLastRenewalSuccess);
  const lastAttempt = meter.gauge(certificateLastRenewalAttempt);
  const hookRuns = meter.counter(certificateHookRuns);
  const states = new Map<CertificateConfig, State>();
  for (const certificate of deps.certificates) {
    states.set(certificate, {
      onDisk: undefined,
      lastAttemptMs: undefined,
      lastSuccessMs: undefined,
      lastResult: undefined,
      lastError: undefined,
      failures: 0,
      retryAtMs: undefined,
      hook: null,
    });
    const domain = label(certificate);
    // Both results exist from the start: a failure is a 0 → 1 step, never a series appearing.
    if (certificate.renew) {
      renewals.zero({ domain: [domain] });
      if (deps.hook !== undefined) {
        hookRuns.zero({ domain: [domain] });
      }
    }
  }
  meter.observableGauge(certificateRemaining, (report) => {
    for (const [certificate, state] of states) {
      if (state.onDisk !== undefined)
        report(state.onDisk.notAfter - now() / 1000, { domain: label(certificate) });
    }
  });

  function stateOf(certificate: CertificateConfig): State {
    const state = states.get(certificate);
    if (state === undefined) throw new Error('certificates: unknown certificate');
    return state;
  }

  async function refresh(certificate: CertificateConfig, state: State): Promise<void> {
    try {
      state.onDisk = await readCertificateFile(certificate.certFile);
    } catch (error) {
      // An unreadable file is reported and, when renewing, replaced by a fresh certificate.
      state.onDisk = undefined;
      logger.error({ err: error, file: certificate.certFile }, 'certificates: unreadable file');
    }
    if (state.onDisk !== undefined) {
      notAfter.record(state.onDisk.notAfter, {
        domain: label(certificate),
        file: certificate.certFile,
      });
    }
  }

  function wanted(certificate: CertificateConfig, state: State, force: boolean): boolean {
    if (!certificate.renew) return false;
    if (force) return true;
    if (state.retryAtMs !== undefined && now() < state.retryAtMs) return false;
    const onDisk = state.onDisk;
    return (
      onDisk === undefined ||
      !coversDomains(onDisk.names, certificate.domains) ||
      renewalDue(onDisk, now() / 1000, deps.renewBeforeFraction)
    );
  }

  async function renew(
    certificate: CertificateConfig,
    state: State,
    signal: AbortSignal,
  ): Promise<void> {
    const domain = label(certificate);
    const startedMs = now();
    state.lastAttemptMs = startedMs;
    lastAttempt.record(startedMs / 1000, { domain });
    try {
      signal.throwIfAborted();
      const issued = await deps.issue(certificate.domains);
      // Key first: a watcher woken by the new certificate then finds the key that matches it.
      await writeFileAtomic(certificate.keyFile, issued.keyPem, 0o600);
      await writeFileAtomic(certificate.certFile, issued.chainPem, 0o644);
    } catch (error) {
      state.failures += 1;
      state.retryAtMs = startedMs + backoffDelayMs(state.failures, deps.backoff, random());
      state.lastResult = 'failure';
      state.lastError = errorText(error);
      renewals.add(1, { domain, result: 'failure' });
      throw new Error(`certificates: renewal of ${domain} failed`, { cause: error });
    }
    state.failures = 0;
    state.retryAtMs = undefined;
    state.lastResult = 'success';
    state.lastError = undefined;
    state.lastSuccessMs = startedMs;
    renewals.add(1, { domain, result: 'success' });
    lastSuccess.record(startedMs / 1000, { domain });
    await refresh(certificate, state);
    logger.info(
      { domain, notAfter: iso((state.onDisk?.notAfter ?? 0) * 1000) },
      'certificates: renewed',
    );
    if (deps.hook !== undefined) await runHook(deps.hook, certificate, state, signal);
  }

  async function runHook(
    hook: NonNullable<CertificateManagerDeps['hook']>,
    certificate: CertificateConfig,
    state: State,
    signal: AbortSignal,
  ): Promise<void> {
    const domain = label(certificate);
    const result = await hook(
      {
        AIDB_CERT_DOMAIN: domain,
        AIDB_CERT_FILE: certificate.certFile,
        AIDB_KEY_FILE: certificate.keyFile,
      },
      signal,
    );
    state.hook = {
      at: new Date(now()).toISOString(),
      exitCode: result.exitCode,
      error: result.error,
    };
    const ok = result.error === null;
    hookRuns.add(1, { domain, result: ok ? 'success' : 'failure' });
    if (!ok) {
      // The certificate itself is in place; only the reload it was meant to trigger failed.
      throw new Error(`certificates: post-renewal hook for ${domain} failed (${result.error})`);
    }
  }

  return {
    async run(signal, options = {}) {
      const failed: string[] = [];
      for (const certificate of deps.certificates) {
        const state = stateOf(certificate);
        await refresh(certificate, state);
        if (!wanted(certificate, state, options.force ?? false)) continue;
        try {
          await renew(certificate, state, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          logger.error({ err: error, domain: label(certificate) }, 'certificates: failed');
          failed.push(errorText(error));
        }
      }
      if (failed.length > 0) throw new Error(failed.join('; '));
    },
    status() {
      return deps.certificates.map((certificate) => {
        const state = stateOf(certificate);
        return {
          domain: label(certificate),
          domains: certificate.domains,
          certFile: certificate.certFile,
          renew: certificate.renew,
          notAfter: iso(state.onDisk === undefined ? undefined : state.onDisk.notAfter * 1000),
          remainingSeconds:
            state.onDisk === undefined ? null : Math.round(state.onDisk.notAfter - now() / 1000),
          lastAttemptAt: iso(state.lastAttemptMs),
          lastSuccessAt: iso(state.lastSuccessMs),
          lastResult: state.lastResult ?? null,
          lastError: state.lastError ?? null,
          consecutiveFailures: state.failures,
          retryAfter: iso(state.retryAtMs),
          hook: state.hook,
        };
      });
    },
  };
}

/** A certificate's `domain` label: its first name (unique, the config checks). */
export function label(certificate: CertificateConfig): string {
  return certificate.domains[0] ?? '';
}
