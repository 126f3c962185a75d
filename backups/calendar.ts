/**
 * Calendar periods of an instant in an IANA time zone: the day, ISO 8601 week and month that
 * retention counts. Pure.
 */
import { civilDate, type CivilDate } from '../lib/time-zone.ts';

export interface PeriodKeys {
  /** `2026-11-28` */
  readonly day: string;
  /** ISO 8601 week with its week-based year: `2026-W48`, `2020-W53` for 2021-01-03. */
  readonly week: string;
  /** `2026-11` */
  readonly month: string;
}

const dayMs = 86_400_000;

/**
 * ISO 8601 week date: weeks start on Monday and week 1 is the week with the year's first
 * Thursday, so 2021-01-03 (a Sunday) belongs to 2020-W53 and 2024-12-30 to 2025-W01.
 */
export function isoWeek(date: CivilDate): { readonly year: number; readonly week: number } {
  const utc = Date.UTC(date.year, date.month - 1, date.day);
  const weekday = (new Date(utc).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = utc + (3 - weekday) * dayMs;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * dayMs)) + 1;
  return { year, week };
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function periodKeys(epochMs: number, timeZone: string): PeriodKeys {
  const date = civilDate(epochMs, timeZone);
  const week = isoWeek(date);
  return {
    day: `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`,
    week: `${pad(week.year, 4)}-W${pad(week.week)}`,
    month: `${pad(date.year, 4)}-${pad(date.month)}`,
  };
}
