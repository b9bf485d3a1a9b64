import type { Sequelize } from 'sequelize';
import type { Config } from '../config';
import type { SecretBox } from '../domain/secrets';
import type { Logger } from '../logger';
import type { XClientFactory } from '../x/client';
import { createDeliverNotification } from './deliverNotification';
import { createPostRecords } from './postRecords';
import { createPublishPost } from './publishPost';

export type { DeliveryResult, NotificationEventType } from './deliverNotification';
export type { PublishOutcome } from './publishPost';

export interface ActivityDependencies {
  config: Config;
  sequelize: Sequelize;
  secrets: SecretBox;
  xClients: XClientFactory;
  logger: Logger;
}

/** Builds every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createPostRecords({ logger: deps.logger }),
    publishPost: createPublishPost({
      sequelize: deps.sequelize,
      secrets: deps.secrets,
      xClients: deps.xClients,
      logger: deps.logger,
      lateLimitMs: deps.config.publishLateLimitMs,
    }),
    deliverNotification: createDeliverNotification({
      secrets: deps.secrets,
      logger: deps.logger,
      retryDelaysMs: deps.config.notify.retryDelaysMs,
      timeoutMs: deps.config.notify.timeoutMs,
      allowPrivateUrls: deps.config.notify.allowPrivateUrls,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
