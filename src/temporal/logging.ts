import { DefaultLogger, LogEntry, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
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
