import path from 'node:path';
import Joi from 'joi';
import { parseDuration } from './durations';

/** Settings read once from the environment at start; everything else receives this object. */
export interface Config {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  /** Take the client address from `X-Forwarded-For`; set only behind a proxy that sets it. */
  trustProxy: boolean;
  dataDir: string;
  /** `mysql://…` for MySQL or MariaDB; undefined means an embedded SQLite file under `dataDir`. */
  databaseUrl?: string;
  /** Base64 of 32 bytes; undefined means a key file is created under `dataDir` (development only). */
  encryptionKey?: string;
  temporal: {
    /** Undefined means the dev runner starts a Temporal dev server of its own. */
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls: boolean;
    cliPath?: string;
    uiPort: number;
  };
  x: {
    apiBaseUrl: string;
    requestTimeoutMs: number;
    appKey?: string;
    appSecret?: string;
    clientId?: string;
    clientSecret?: string;
  };
  publishLateLimitMs: number;
  notify: {
    retryDelaysMs: number[];
    timeoutMs: number;
    allowPrivateUrls: boolean;
  };
  limits: {
    /** Requests a minute one client address may send to the webhook API without a valid token. */
    unauthenticatedPerMinute: number;
  };
  openai: {
    apiKey?: string;
    baseUrl?: string;
    model: string;
    timeoutMs: number;
  };
}

const duration = Joi.string().custom((value: string, helpers) => {
  const ms = parseDuration(value);
  return ms === undefined ? helpers.error('any.invalid') : ms;
}).messages({ 'any.invalid': '{{#label}} must be a duration such as 500ms, 10s, 5m, 2h or 1d' });

const durationList = Joi.string().custom((value: string, helpers) => {
  const parts = value.split(',').map((part) => parseDuration(part));
  return parts.some((ms) => ms === undefined) ? helpers.error('any.invalid') : parts;
}).messages({ 'any.invalid': '{{#label}} must be a comma-separated list of durations such as 1m,5m,30m' });

// Joi does not run `custom` on a default value, so a default written as '30s' would reach the
// settings as that string. These helpers convert it to milliseconds up front.
const durationDefault = (text: string) => duration.default(parseDuration(text));
const durationListDefault = (text: string) => durationList.default(text.split(',').map((part) => parseDuration(part)));

const flag = Joi.boolean().truthy('1').falsy('0').sensitive(false);

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  HOST: Joi.string().default('127.0.0.1'),
  PORT: Joi.number().port().default(3000),
  TRUST_PROXY: flag.default(false),
  UNAUTHENTICATED_REQUESTS_PER_MINUTE: Joi.number().integer().min(1).default(30),
  DATA_DIR: Joi.string().default('./data'),
  DATABASE_URL: Joi.string().uri({ scheme: ['mysql', 'mariadb'] }).allow(''),
  ENCRYPTION_KEY: Joi.string().base64().allow(''),
  TEMPORAL_ADDRESS: Joi.string().allow(''),
  TEMPORAL_NAMESPACE: Joi.string().default('default'),
  TEMPORAL_TASK_QUEUE: Joi.string().default('autotweet-posts'),
  TEMPORAL_API_KEY: Joi.string().allow(''),
  TEMPORAL_TLS: flag.default(false),
  TEMPORAL_CLI_PATH: Joi.string().allow(''),
  TEMPORAL_UI_PORT: Joi.number().port().default(8233),
  X_API_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://api.x.com'),
  X_REQUEST_TIMEOUT: durationDefault('30s'),
  X_APP_KEY: Joi.string().allow(''),
  X_APP_SECRET: Joi.string().allow(''),
  X_CLIENT_ID: Joi.string().allow(''),
  X_CLIENT_SECRET: Joi.string().allow(''),
  PUBLISH_LATE_LIMIT: durationDefault('1h'),
  NOTIFY_RETRY_DELAYS: durationListDefault('1m,5m,30m'),
  NOTIFY_TIMEOUT: durationDefault('10s'),
  ALLOW_PRIVATE_WEBHOOK_URLS: flag.default(false),
  OPENAI_API_KEY: Joi.string().allow(''),
  OPENAI_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }).allow(''),
  OPENAI_MODEL: Joi.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT: durationDefault('30s'),
}).unknown(true);

/** Names of every environment variable the service reads; `.env.example` and the deploy files must stay within them. */
export const CONFIG_VARIABLES: string[] = Object.keys(schema.describe().keys);

/** Raised with every problem found in the environment, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Validates the environment and returns typed settings; throws ConfigError listing every problem. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const { value: env, error } = schema.validate(environment, { abortEarly: false, convert: true });
  if (error) {
    throw new ConfigError(error.details.map((detail) => detail.message));
  }

  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !optional(env.ENCRYPTION_KEY)) {
    problems.push('"ENCRYPTION_KEY" is required in production (base64 of 32 random bytes)');
  }
  if (optional(env.ENCRYPTION_KEY) && Buffer.from(env.ENCRYPTION_KEY, 'base64').length !== 32) {
    problems.push('"ENCRYPTION_KEY" must be base64 of exactly 32 bytes');
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    trustProxy: env.TRUST_PROXY,
    dataDir: path.resolve(env.DATA_DIR),
    databaseUrl: optional(env.DATABASE_URL),
    encryptionKey: optional(env.ENCRYPTION_KEY),
    temporal: {
      address: optional(env.TEMPORAL_ADDRESS),
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      apiKey: optional(env.TEMPORAL_API_KEY),
      tls: env.TEMPORAL_TLS || Boolean(optional(env.TEMPORAL_API_KEY)),
      cliPath: optional(env.TEMPORAL_CLI_PATH),
      uiPort: env.TEMPORAL_UI_PORT,
    },
    x: {
      apiBaseUrl: env.X_API_BASE_URL.replace(/\/+$/, ''),
      requestTimeoutMs: env.X_REQUEST_TIMEOUT,
      appKey: optional(env.X_APP_KEY),
      appSecret: optional(env.X_APP_SECRET),
      clientId: optional(env.X_CLIENT_ID),
      clientSecret: optional(env.X_CLIENT_SECRET),
    },
    publishLateLimitMs: env.PUBLISH_LATE_LIMIT,
    notify: {
      retryDelaysMs: env.NOTIFY_RETRY_DELAYS,
      timeoutMs: env.NOTIFY_TIMEOUT,
      allowPrivateUrls: env.ALLOW_PRIVATE_WEBHOOK_URLS,
    },
    limits: {
      unauthenticatedPerMinute: env.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
    },
    openai: {
      apiKey: optional(env.OPENAI_API_KEY),
      baseUrl: optional(env.OPENAI_BASE_URL),
      model: env.OPENAI_MODEL,
      timeoutMs: env.OPENAI_TIMEOUT,
    },
  };
}
