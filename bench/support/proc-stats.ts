import { readFile } from 'node:fs/promises';

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15, at 100 Hz). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ is 100 on Linux for every architecture it exposes to user space (man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory now (VmRSS) or at its peak so far (VmHWM), in kB. */
export async function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
}

export const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
