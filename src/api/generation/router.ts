import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthState } from '../middlewares/authenticate';
import { requireJsonBody } from '../middlewares/requireJsonBody';
import { generateVariants, GenerationContext } from '../../domain/generation';
import { presentGeneration } from './presenter';
import { GenerationRequestBody, parseArticleRequest, parseIdempotencyKey, parseTopicRequest } from './schema';

/**
 * Routes of text generation, mounted under `/api/webhooks` behind authentication. They return
 * text only and never schedule a post.
 */
export function generationRouter(context: GenerationContext): Router<AuthState> {
  const router = new Router<AuthState>();

  const respond = async (ctx: Context & { state: AuthState }, request: GenerationRequestBody) => {
    const idempotencyKey = parseIdempotencyKey(ctx.get('idempotency-key') || undefined);

    const result = await generateVariants(context, { workspace: ctx.state.workspace, ...request, idempotencyKey });

    if (result.isReplay) {
      ctx.set('Idempotent-Replayed', 'true');
    }
    ctx.status = 200;
    ctx.body = presentGeneration(result);
  };

  router.post('/generate', requireJsonBody, (ctx) => respond(ctx, parseTopicRequest(ctx.request.body)));
  router.post('/generate/article', requireJsonBody, (ctx) => respond(ctx, parseArticleRequest(ctx.request.body)));

  return router;
}
