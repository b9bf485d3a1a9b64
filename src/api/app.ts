import Koa from 'koa';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { RateLimitCounter } from '../db';
import { RateLimiter } from '../domain/rateLimiter';
import type { Logger } from '../logger';
import { createOpenAIClient } from '../openai/client';
import { generationRouter } from './generation/router';
import { healthRouter } from './health/router';
import { authenticate, AuthState } from './middlewares/authenticate';
import { errorHandler } from './middlewares/errorHandler';
import { rateLimit } from './middlewares/rateLimit';
import { requestLogger } from './middlewares/requestLogger';
import { postsRouter } from './posts/router';
import { usageRouter } from './usage/router';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  temporal: Client;
  /** Defaults to a limiter on the models' database connection with the system clock. */
  limiter?: RateLimiter;
}

const WEBHOOKS_PREFIX = '/api/webhooks';

/** Builds the Koa application; the caller decides where it listens. */
export function createApp(deps: ApiDependencies): Koa {
  const app = new Koa({ proxy: deps.config.trustProxy });
  app.silent = true;
  const limiter = deps.limiter ?? new RateLimiter(RateLimitCounter.sequelize!);

  const webhooks = new Router<AuthState>({ prefix: WEBHOOKS_PREFIX });
  const posts = postsRouter({
    temporal: deps.temporal,
    taskQueue: deps.config.temporal.taskQueue,
    notifyRetryDelaysMs: deps.config.notify.retryDelaysMs,
    logger: deps.logger,
  });
  webhooks.use(posts.routes());
  const generation = generationRouter({
    openai: createOpenAIClient(deps.config.openai, deps.logger),
    logger: deps.logger,
    clock: () => new Date(),
  });
  webhooks.use(generation.routes());
  const usage = usageRouter(limiter);
  webhooks.use(usage.routes());

  // Authentication and rate limiting run for every path under the prefix, routed or not, so
  // every response there carries the RateLimit-* headers.
  const authenticateRequest = authenticate({
    limiter,
    unauthenticatedPerMinute: deps.config.limits.unauthenticatedPerMinute,
    logger: deps.logger,
  });
  const limitWorkspaceRequests = rateLimit(limiter);
  const guardWebhooks: Koa.Middleware = (ctx, next) => {
    if (ctx.path !== WEBHOOKS_PREFIX && !ctx.path.startsWith(`${WEBHOOKS_PREFIX}/`)) {
      return next();
    }
    return authenticateRequest(ctx, () => limitWorkspaceRequests(ctx as Parameters<typeof limitWorkspaceRequests>[0], next));
  };

  const health = healthRouter();
  app.use(requestLogger(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(health.routes());
  app.use(guardWebhooks);
  app.use(webhooks.routes());
  // Mounted on the app, after the routes: inside a router it would never run for a wrong method,
  // because a router runs its middleware only when a route matches both path and method. It reads
  // ctx.matched, which every router fills, so it covers /healthz too. It sets 405 (or 501) and
  // Allow, and the error handler renders the body.
  app.use(webhooks.allowedMethods({ throw: false }));
  return app;
}
