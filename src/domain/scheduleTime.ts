/**
 * ISO 8601 date and time with a mandatory offset or `Z`, seconds and fractions optional.
 * Groups: year, month, day, hour, minute, second, fraction, zone.
 */
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})$/;

export type InstantResult = { ok: true; instant: Date } | { ok: false; message: string };

/**
 * Parses an ISO 8601 instant that names its offset. A local time without one is rejected because
 * it means a different instant on every host; so are impossible dates such as February 30.
 */
export function parseInstant(text: string): InstantResult {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? ' This one has no offset: add Z for UTC or one such as +01:00.'
      : '';
    return { ok: false, message: `must be an ISO 8601 date and time with an offset, such as 2027-03-10T09:00:00+01:00.${hint}` };
  }

  const [, year, month, day, hour, minute, second = '0', fraction = '0', zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const [y, mo, d, h, mi, s] = fields;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return { ok: false, message: `names a date or time that does not exist (${text}).` };
  }

  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const sign = digits[0] === '-' ? -1 : 1;
    const offsetHours = Number(digits.slice(1, 3));
    const offsetMins = Number(digits.slice(3, 5));
    if (offsetHours > 23 || offsetMins > 59) {
      return { ok: false, message: `has an offset that does not exist (${zone}).` };
    }
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }

  const utc = utcDate(y, mo - 1, d, h, mi, s, millis).getTime() - offsetMinutes * 60_000;
  return { ok: true, instant: new Date(utc) };
}

function daysInMonth(year: number, month: number): number {
  return utcDate(year, month, 0).getUTCDate();
}

/** Builds a UTC date like Date.UTC, except that years 0 to 99 stay as given instead of becoming 1900 to 1999. */
function utcDate(year: number, monthIndex: number, day: number, hours = 0, minutes = 0, seconds = 0, millis = 0): Date {
  const date = new Date(Date.UTC(2000, 0, 1, hours, minutes, seconds, millis));
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}
