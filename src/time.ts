// Dates for people: formatting in the site's time zone and reading the browser's
// datetime-local values, which are wall-clock times in that zone.
import { boundedMemo } from './memo.js';

/** "October 7, 2010 at 3:14 pm" in the given IANA time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return remembered(`t|${timeZone}|${iso}`, () => {
    const parts = partsOf(new Date(iso), timeZone, { hour: 'numeric', minute: '2-digit', hour12: true });
    return `${parts.month} ${parts.day}, ${parts.year} at ${parts.hour}:${parts.minute} ${(parts.dayPeriod ?? '').toLowerCase()}`;
  });
}

/** "15:14" in the given time zone, with the day before it ("October 7, 2010 at 15:14") when that is not the day of `now`. */
export function formatClockTime(iso: string, timeZone: string, now: Date): string {
  const parts = partsOf(new Date(iso), timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const time = `${parts.hour}:${parts.minute}`;
  const day = formatDate(iso, timeZone);
  return day === formatDate(now.toISOString(), timeZone) ? time : `${day} at ${time}`;
}

/** "October 7, 2010" in the given time zone. */
export function formatDate(iso: string, timeZone: string): string {
  return remembered(`d|${timeZone}|${iso}`, () => {
    const parts = partsOf(new Date(iso), timeZone, {});
    return `${parts.month} ${parts.day}, ${parts.year}`;
  });
}

// formatToParts costs some 20 µs a call, and a page of 200 comments formats 200 dates
// that never change: each formatted date is kept.
const remembered = boundedMemo<string>(20_000);

// Making an Intl.DateTimeFormat costs far more than using one: a listing page formats
// dozens of dates, so each distinct format is made once and kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat('en-US', options)));
  return f;
}

function partsOf(date: Date, timeZone: string, extra: Intl.DateTimeFormatOptions): Record<string, string> {
  const f = formatter({ timeZone, year: 'numeric', month: 'long', day: 'numeric', ...extra });
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(date: Date, timeZone: string) {
  const f = formatter({
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { year: +p.year!, month: +p.month!, day: +p.day!, hour: +p.hour!, minute: +p.minute!, second: +p.second! };
}

/** The UTC instant at which the wall clock in `timeZone` shows the given fields. */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes settle the offset, including across a daylight-saving change.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    guess += asUtc - shown;
  }
  return new Date(guess);
}

/**
 * Reads a datetime-local value (YYYY-MM-DDTHH:MM, seconds optional) as a time in
 * `timeZone`; undefined when it is not such a value or not a real date.
 */
export function parseLocalDateTime(value: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  // Date.UTC reads years 0 to 99 as 1900 to 1999, and the editor writes years as four digits: below 1000 is refused.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day) return undefined;
  return zonedTimeToUtc(year, month, day, hour, minute, second, timeZone);
}

/** The value for an <input type="datetime-local"> showing `iso` in `timeZone`. */
export function toLocalDateTimeInput(iso: string, timeZone: string): string {
  const w = wallClock(new Date(iso), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** [start, end) in UTC ISO of a year, or of a month of it, in `timeZone`. */
export function periodRange(year: number, month: number | undefined, timeZone: string): [string, string] {
  const start = zonedTimeToUtc(year, month ?? 1, 1, 0, 0, 0, timeZone);
  const end = month === undefined || month === 12
    ? zonedTimeToUtc(year + 1, 1, 1, 0, 0, 0, timeZone)
    : zonedTimeToUtc(year, month + 1, 1, 0, 0, 0, timeZone);
  return [start.toISOString(), end.toISOString()];
}
