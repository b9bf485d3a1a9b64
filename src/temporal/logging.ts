import { DefaultLogger, LogEntry, Logger as TemporalLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from '../logger';

/**
 * Installs the process logger as the Temporal runtime logger, so SDK and workflow logs share its
 * format and redaction. Must run before any Temporal connection is made in this process.
 */
export function installTemporalLogger(logger: Logger): void {
  const temporalLogger = logger.child({ component: 'temporal' });
  const write = (entry: LogEntry) => {
    const fields = entry.meta ?? {};
    switch (entry.level) {
      case 'TRACE':
        return temporalLogger.trace(fields, entry.message);
      case 'DEBUG':
        return temporalLogger.debug(fields, entry.message);
      case 'WARN':
        return temporalLogger.warn(fields, entry.message);
      case 'ERROR':
        return temporalLogger.error(fields, entry.message);
      default:
        return temporalLogger.info(fields, entry.message);
    }
  };
  Runtime.install({
    logger: new DefaultLogger('INFO', write),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
}

/**
 * Creates the logger for the workflow bundler. SDK 1.24 logs webpack's build statistics (about
 * twenty lines) at INFO on each build, so this logger writes INFO and below at DEBUG. Warnings and
 * errors, such as a failed build's output, keep their level.
 */
export function createBundlerLogger(logger: Logger): TemporalLogger {
  const bundlerLogger = logger.child({ component: 'temporal', sdkComponent: 'bundler' });
  return new DefaultLogger('TRACE', (entry: LogEntry) => {
    const fields = entry.meta ?? {};
    if (entry.level === 'ERROR') {
      return bundlerLogger.error(fields, entry.message);
    }
    if (entry.level === 'WARN') {
      return bundlerLogger.warn(fields, entry.message);
    }
    return bundlerLogger.debug(fields, entry.message);
  });
}
