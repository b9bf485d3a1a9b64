import test from 'ava';
import { parseInstant } from '../../src/domain/scheduleTime';

function instant(text: string): string {
  const result = parseInstant(text);
  if (!result.ok) {
    throw new Error(`${text} was rejected: ${result.message}`);
  }
  return result.instant.toISOString();
}

function rejection(text: string): string {
  const result = parseInstant(text);
  if (result.ok) {
    throw new Error(`${text} was accepted as ${result.instant.toISOString()}`);
  }
  return result.message;
}

test('offset forms of one instant agree', (t) => {
  for (const text of ['2027-03-10T09:00:00Z', '2027-03-10T09:00:00z', '2027-03-10T14:30:00+05:30', '2027-03-10T14:30:00+0530', '2027-03-10T06:00:00-03:00', '2027-03-10t09:00:00+00:00', '2027-03-10T09:00Z']) {
    t.is(instant(text), '2027-03-10T09:00:00.000Z', text);
  }
});

test('offset can cross a day boundary', (t) => {
  t.is(instant('2027-03-01T01:00:00+02:00'), '2027-02-28T23:00:00.000Z');
  t.is(instant('2027-12-31T22:00:00-05:00'), '2028-01-01T03:00:00.000Z');
});

test('fractions are kept to milliseconds', (t) => {
  t.is(instant('2027-03-10T09:00:00.5Z'), '2027-03-10T09:00:00.500Z');
  t.is(instant('2027-03-10T09:00:00.123456789Z'), '2027-03-10T09:00:00.123Z');
  t.is(instant('2027-03-10T09:00:00,25+01:00'), '2027-03-10T08:00:00.250Z');
});

test('time without offset rejected with a hint', (t) => {
  for (const text of ['2027-03-10T09:00:00', '2027-03-10T09:00', '2027-03-10T09:00:00.250']) {
    t.regex(rejection(text), /This one has no offset: add Z for UTC or one such as \+01:00\./, text);
  }
});

test('impossible dates rejected', (t) => {
  for (const text of ['2027-02-29T09:00:00Z', '2027-02-30T09:00:00Z', '2027-04-31T09:00:00Z', '2027-13-01T09:00:00Z', '2027-00-10T09:00:00Z', '2027-03-00T09:00:00Z', '2027-03-10T24:00:00Z', '2027-03-10T09:60:00Z', '2027-03-10T09:00:60Z']) {
    t.is(rejection(text), `names a date or time that does not exist (${text}).`);
  }
});

test('leap day exists in leap years', (t) => {
  t.is(instant('2028-02-29T12:00:00Z'), '2028-02-29T12:00:00.000Z');
});

test('years below 100 keep their year', (t) => {
  t.is(instant('0000-01-01T00:00:00Z'), '0000-01-01T00:00:00.000Z');
  t.is(instant('0099-12-31T23:59:59+01:00'), '0099-12-31T22:59:59.000Z');
  t.is(instant('0001-01-01T00:30:00+01:00'), '0000-12-31T23:30:00.000Z');
});

test('leap days of years below 100', (t) => {
  t.is(instant('0000-02-29T00:00:00Z'), '0000-02-29T00:00:00.000Z');
  t.is(instant('0004-02-29T00:00:00Z'), '0004-02-29T00:00:00.000Z');
  t.is(rejection('0001-02-29T00:00:00Z'), 'names a date or time that does not exist (0001-02-29T00:00:00Z).');
});

test('impossible offsets rejected', (t) => {
  t.is(rejection('2027-03-10T09:00:00+24:00'), 'has an offset that does not exist (+24:00).');
  t.is(rejection('2027-03-10T09:00:00-05:60'), 'has an offset that does not exist (-05:60).');
});

test('other formats rejected', (t) => {
  for (const text of ['', 'now', '2027-03-10', '2027-03-10 09:00:00Z', '10/03/2027 09:00', '2027-03-10T09:00:00+5:30', '2027-03-10T09:00:00 Z', ' 2027-03-10T09:00:00Z', '1741597200']) {
    t.regex(rejection(text), /^must be an ISO 8601 date and time with an offset/, JSON.stringify(text));
  }
});

test('result does not depend on process timezone', (t) => {
  const original = process.env.TZ;
  try {
    process.env.TZ = 'Pacific/Kiritimati';
    const far = instant('2027-03-10T09:00:00+01:00');
    process.env.TZ = 'America/Sao_Paulo';
    t.not(new Date().getTimezoneOffset(), 0);
    t.is(instant('2027-03-10T09:00:00+01:00'), far);
    t.is(far, '2027-03-10T08:00:00.000Z');
  } finally {
    process.env.TZ = original;
  }
});
