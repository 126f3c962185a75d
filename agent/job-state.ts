import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { agentJobs, successOrFailure } from '../catalog/labels.ts';
import { writeFileAtomic } from '../lib/atomic-file.ts';

/** What the agent remembers of each job across restarts. */
const jobRecord = z.object({
  /** Start of the last run that finished (success or failure), ms since the epoch. */
  lastRunMs: z.number(),
  lastDurationSeconds: z.number(),
  lastResult: z.enum(successOrFailure),
  lastError: z.string().optional(),
  lastSuccessMs: z.number().optional(),
});
export type JobRecord = z.output<typeof jobRecord>;

const stateFile = z.object({
  version: z.literal(1),
  jobs: z.partialRecord(z.enum(agentJobs), jobRecord),
});
export type JobState = z.output<typeof stateFile>['jobs'];

export interface JobStateStore {
  readonly path: string;
  /** The saved state; an absent file is an empty state, an unreadable one an error. */
  load(): Promise<JobState>;
  save(state: JobState): Promise<void>;
}

/** A small JSON file, replaced atomically (write then rename) so a crash never truncates it. */
export function createJobStateStore(path: string): JobStateStore {
  return {
    path,
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw new Error(`agent: cannot read job state ${path}`, { cause: error });
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new Error(`agent: job state ${path} is not JSON`, { cause: error });
      }
      const parsed = stateFile.safeParse(data);
      if (!parsed.success) {
        throw new Error(`agent: job state ${path} has an unknown shape`, { cause: parsed.error });
      }
      return parsed.data.jobs;
    },
    async save(state) {
      await writeFileAtomic(
        path,
        `${JSON.stringify({ version: 1, jobs: state }, null, 2)}\n`,
        0o644,
      );
    },
  };
}
