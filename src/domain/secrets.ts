import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

/** Encrypts and decrypts secrets at rest with AES-256-GCM under one 32-byte key. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) {
      throw new Error(`Encryption key must be 32 bytes, got ${key.length}.`);
    }
  }

  /** Encrypts a string into `v1:<iv>:<tag>:<ciphertext>`, all base64, with a fresh random IV. */
  seal(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** Decrypts what `seal` produced; throws if the value was altered or sealed under another key. */
  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('Sealed value has an unknown format.');
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  openJson<T>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }
}

/**
 * Returns the SecretBox for the configured key. Without one (development only; config rejects that in
 * production) a random key is created once in `<dataDir>/encryption.key` and reused after that.
 */
export function loadSecretBox(options: { encryptionKey?: string; dataDir: string }): SecretBox {
  if (options.encryptionKey) {
    return new SecretBox(Buffer.from(options.encryptionKey, 'base64'));
  }
  const keyFile = path.join(options.dataDir, 'encryption.key');
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    fs.writeFileSync(keyFile, crypto.randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  return new SecretBox(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64'));
}
