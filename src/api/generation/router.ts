import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthState } from '../middlewares/authenticate';
import { idempotency } from '../middlewares/idempotency';
import { requireJsonBody } from '../middlewares/requireJsonBody';
import { generateVariants, GenerationContext } from '../../domain/generation';
import { presentGeneration } from './presenter';
import { GenerationRequestBody, parseArticleRequest, parseTopicRequest } from './schema';

/**
 * Routes of text generation, mounted under `/api/webhooks` behind authentication. They return
 * text only and never schedule a post. With an `Idempotency-Key`, a retried request gets the
 * stored response and its variants count against the quota once.
 */
export function generationRouter(context: GenerationContext): Router<AuthState> {
  const router = new Router<AuthState>();

  const respond = async (ctx: Context & { state: AuthState }, request: GenerationRequestBody) => {
    const result = await generateVariants(context, { workspace: ctx.state.workspace, ...request });

    ctx.status = 200;
    ctx.body = presentGeneration(result);
  };

  router.post('/generate', requireJsonBody, idempotency, (ctx) => respond(ctx, parseTopicRequest(ctx.request.body)));
  router.post('/generate/article', requireJsonBody, idempotency, (ctx) => respond(ctx, parseArticleRequest(ctx.request.body)));

  return router;
}
