import test from 'ava';
import { formatDuration, parseDuration } from '../src/durations';

test('parses each unit', (t) => {
  t.is(parseDuration('500ms'), 500);
  t.is(parseDuration('10s'), 10_000);
  t.is(parseDuration('5m'), 300_000);
  t.is(parseDuration('2h'), 7_200_000);
  t.is(parseDuration('1d'), 86_400_000);
  t.is(parseDuration('0s'), 0);
  t.is(parseDuration(' 30m '), 1_800_000);
});

test('rejects anything else', (t) => {
  for (const text of ['', '10', 's', '1.5s', '-1s', '10 s', '10S', '1w', '1m30s', 'ten seconds']) {
    t.is(parseDuration(text), undefined, JSON.stringify(text));
  }
});

test('formats with the largest exact unit', (t) => {
  t.is(formatDuration(90_000), '90s');
  t.is(formatDuration(60_000), '1m');
  t.is(formatDuration(1_800_000), '30m');
  t.is(formatDuration(7_200_000), '2h');
  t.is(formatDuration(86_400_000), '1d');
  t.is(formatDuration(1_500), '1500ms');
  t.is(formatDuration(0), '0ms');
});

test('format and parse round-trip', (t) => {
  for (const ms of [0, 1, 999, 1_000, 61_000, 3_600_000, 172_800_000]) {
    t.is(parseDuration(formatDuration(ms)), ms);
  }
});
