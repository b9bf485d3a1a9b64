import Koa from 'koa';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createOpenAIClient } from '../openai/client';
import { generationRouter } from './generation/router';
import { healthRouter } from './health/router';
import { authenticate, AuthState } from './middlewares/authenticate';
import { errorHandler } from './middlewares/errorHandler';
import { requestLogger } from './middlewares/requestLogger';
import { postsRouter } from './posts/router';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
}

/** Builds the Koa application; the caller decides where it listens. */
export function createApp(deps: ApiDependencies): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;

  const webhooks = new Router<AuthState>({ prefix: '/api/webhooks' });
  webhooks.use(authenticate);
  const posts = postsRouter({
    temporal: deps.temporal,
    taskQueue: deps.config.temporal.taskQueue,
    notifyRetryDelaysMs: deps.config.notify.retryDelaysMs,
    logger: deps.logger,
  });
  webhooks.use(posts.routes(), posts.allowedMethods({ throw: false }));
  const generation = generationRouter({
    openai: createOpenAIClient(deps.config.openai, deps.logger),
    logger: deps.logger,
    clock: () => new Date(),
  });
  webhooks.use(generation.routes(), generation.allowedMethods({ throw: false }));

  const health = healthRouter();
  app.use(requestLogger(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(health.routes());
  app.use(webhooks.routes());
  return app;
}
