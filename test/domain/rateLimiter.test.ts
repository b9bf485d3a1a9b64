import anyTest, { TestFn } from 'ava';
import { RateLimitCounter } from '../../src/db';
import { RateLimiter, WindowLimit } from '../../src/domain/rateLimiter';
import { ManualClock } from '../helpers/api';
import { createTestDatabase, TestDatabase } from '../helpers/database';

const test = anyTest as TestFn<{ db: TestDatabase }>;

test.before(async (t) => {
  t.context.db = await createTestDatabase();
});

test.after.always(async (t) => {
  await t.context.db?.drop();
});

const STARTER: WindowLimit[] = [{ kind: 'minute', limit: 60 }, { kind: 'day', limit: 1000 }];

test.serial('starter day cap resets at 00:00 UTC', async (t) => {
  const clock = new ManualClock(new Date('2027-01-05T23:43:00.000Z'));
  const limiter = new RateLimiter(t.context.db.sequelize, clock.now);
  const subject = 'workspace:starter-day';

  let admitted = 0;
  for (let request = 1; request <= 1000; request += 1) {
    const decision = await limiter.consume(subject, STARTER);
    if (decision.isAdmitted) {
      admitted += 1;
    }
    if (request % 60 === 0) {
      clock.advance(60_000);
    }
  }
  t.is(admitted, 1000);

  clock.set('2027-01-05T23:59:59.999Z');
  const lastOfDay = await limiter.consume(subject, STARTER);
  t.false(lastOfDay.isAdmitted);
  t.is(lastOfDay.exceeded?.kind, 'day');
  t.is(lastOfDay.exceeded?.resetAt.toISOString(), '2027-01-06T00:00:00.000Z');
  t.is(lastOfDay.usage.find((window) => window.kind === 'day')?.used, 1000);

  clock.set('2027-01-06T00:00:00.000Z');
  const firstOfDay = await limiter.consume(subject, STARTER);
  t.true(firstOfDay.isAdmitted);
  t.is(firstOfDay.usage.find((window) => window.kind === 'day')?.used, 1);
  t.is(firstOfDay.usage.find((window) => window.kind === 'minute')?.used, 1);
});

test.serial('rejected request is not counted', async (t) => {
  const clock = new ManualClock(new Date('2027-02-01T08:00:10.000Z'));
  const limiter = new RateLimiter(t.context.db.sequelize, clock.now);
  const subject = 'workspace:not-counted';
  const limits: WindowLimit[] = [{ kind: 'minute', limit: 2 }, { kind: 'day', limit: 100 }];

  for (let request = 0; request < 5; request += 1) {
    await limiter.consume(subject, limits);
  }

  const [minute, day] = await limiter.peek(subject, limits);
  t.is(minute.used, 2);
  t.is(day.used, 2);
});

test.serial('concurrent consumers admit exactly the limit', async (t) => {
  const limiter = new RateLimiter(t.context.db.sequelize, new ManualClock(new Date('2027-02-01T09:00:00.000Z')).now);
  const limits: WindowLimit[] = [{ kind: 'minute', limit: 60 }, { kind: 'day', limit: null }];

  const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.consume('workspace:burst', limits)));

  t.is(decisions.filter((decision) => decision.isAdmitted).length, 60);
  const row = await RateLimitCounter.findOne({ where: { subject: 'workspace:burst', windowKind: 'minute' } });
  t.is(row?.count, 60);
});

test.serial('unlimited day is still counted', async (t) => {
  const limiter = new RateLimiter(t.context.db.sequelize, new ManualClock(new Date('2027-02-01T10:00:00.000Z')).now);
  const limits: WindowLimit[] = [{ kind: 'minute', limit: 60 }, { kind: 'day', limit: null }];

  await limiter.consume('workspace:pro', limits);
  const decision = await limiter.consume('workspace:pro', limits);

  t.true(decision.isAdmitted);
  const day = decision.usage.find((window) => window.kind === 'day')!;
  t.is(day.used, 2);
  t.is(day.remaining, null);
});

test.serial('sweep deletes address rows of past minutes', async (t) => {
  const clock = new ManualClock(new Date('2027-03-01T12:00:05.000Z'));
  const limiter = new RateLimiter(t.context.db.sequelize, clock.now);
  const limits: WindowLimit[] = [{ kind: 'minute', limit: 30 }];
  for (let address = 1; address <= 20; address += 1) {
    await limiter.consume(`address:192.0.2.${address}`, limits);
  }
  await limiter.consume('workspace:kept', [{ kind: 'minute', limit: 60 }, { kind: 'day', limit: 1000 }]);

  clock.advance(60_000);
  await limiter.consume('address:192.0.2.200', limits);
  const deleted = await limiter.sweepExpired();

  t.is(deleted, 20);
  t.is(await RateLimitCounter.count({ where: { subject: 'address:192.0.2.200' } }), 1);
  t.is(await RateLimitCounter.count({ where: { subject: 'workspace:kept' } }), 2);
});

test.serial('window row is reused across minutes', async (t) => {
  const clock = new ManualClock(new Date('2027-03-02T12:00:00.000Z'));
  const limiter = new RateLimiter(t.context.db.sequelize, clock.now);
  const limits: WindowLimit[] = [{ kind: 'minute', limit: 60 }, { kind: 'day', limit: 1000 }];

  for (let minute = 0; minute < 5; minute += 1) {
    await limiter.consume('workspace:reused', limits);
    clock.advance(60_000);
  }

  t.is(await RateLimitCounter.count({ where: { subject: 'workspace:reused' } }), 2);
  const day = await RateLimitCounter.findOne({ where: { subject: 'workspace:reused', windowKind: 'day' } });
  t.is(day?.count, 5);
});
