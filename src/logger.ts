import pino, { Logger } from 'pino';

export type { Logger };

/** Field paths whose values never reach a log line. */
const REDACTED_PATHS = [
  'token',
  'secret',
  'signingSecret',
  'accessToken',
  'accessSecret',
  'refreshToken',
  'req.headers.authorization',
  '*.token',
  '*.secret',
  '*.signingSecret',
  '*.accessToken',
  '*.accessSecret',
  '*.refreshToken',
  '*.authorization',
];

/**
 * Creates the process logger: JSON lines in production, readable lines in development
 * (when pino-pretty is installed).
 */
export function createLogger(options: { level: string; pretty?: boolean; name?: string }): Logger {
  const transport = options.pretty && canResolve('pino-pretty')
    ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
    : undefined;
  return pino({
    level: options.level,
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    transport,
  });
}

function canResolve(moduleName: string): boolean {
  try {
    require.resolve(moduleName);
    return true;
  } catch {
    return false;
  }
}
