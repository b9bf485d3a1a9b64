import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadSecretBox, SecretBox } from '../../src/domain/secrets';

const key = crypto.randomBytes(32);

test('seal and open round-trip', (t) => {
  const box = new SecretBox(key);
  const plaintext = 'whsec_secret 🔐 𠀋';

  t.is(box.open(box.seal(plaintext)), plaintext);
  t.deepEqual(box.openJson(box.sealJson({ accessToken: 'a', refreshToken: 'r' })), { accessToken: 'a', refreshToken: 'r' });
});

test('sealed value hides the plaintext', (t) => {
  const sealed = new SecretBox(key).seal('access-token-123');

  t.false(sealed.includes('access-token-123'));
  t.false(Buffer.from(sealed.split(':')[3], 'base64').toString('utf8').includes('access-token-123'));
  t.regex(sealed, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
});

test('each seal uses a fresh IV', (t) => {
  const box = new SecretBox(key);

  t.not(box.seal('same'), box.seal('same'));
});

test('altered ciphertext fails to open', (t) => {
  const box = new SecretBox(key);
  const [version, iv, tag, ciphertext] = box.seal('do not touch').split(':');
  const bytes = Buffer.from(ciphertext, 'base64');
  bytes[0] ^= 1;

  t.throws(() => box.open([version, iv, tag, bytes.toString('base64')].join(':')));
});

test('other key fails to open', (t) => {
  const sealed = new SecretBox(key).seal('mine');

  t.throws(() => new SecretBox(crypto.randomBytes(32)).open(sealed));
});

test('unknown format rejected', (t) => {
  const box = new SecretBox(key);

  for (const sealed of ['', 'plain text', 'v2:a:b:c', 'v1:only-iv']) {
    t.throws(() => box.open(sealed), { message: 'Sealed value has an unknown format.' }, sealed);
  }
});

test('key must be 32 bytes', (t) => {
  t.throws(() => new SecretBox(crypto.randomBytes(16)), { message: 'Encryption key must be 32 bytes, got 16.' });
});

test('configured key is used', (t) => {
  const box = loadSecretBox({ encryptionKey: key.toString('base64'), dataDir: '/nonexistent' });

  t.is(new SecretBox(key).open(box.seal('shared')), 'shared');
});

test('key file is created once and reused', (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-secrets-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const sealed = loadSecretBox({ dataDir }).seal('kept across restarts');
  const keyFile = path.join(dataDir, 'encryption.key');

  t.is(loadSecretBox({ dataDir }).open(sealed), 'kept across restarts');
  t.is(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64').length, 32);
  t.is(fs.statSync(keyFile).mode & 0o777, 0o600);
});
