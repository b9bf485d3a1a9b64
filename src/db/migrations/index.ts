import * as initial from './0001_initial';
import * as postLifecycle from './0002_post_lifecycle';
import * as generations from './0003_generations';
import * as rateLimits from './0004_rate_limits';

/**
 * Every migration in the order it runs. Listed here rather than found by a file glob so the same
 * list works from TypeScript sources and from the built JavaScript.
 */
export const MIGRATIONS = [
  { name: '0001_initial', ...initial },
  { name: '0002_post_lifecycle', ...postLifecycle },
  { name: '0003_generations', ...generations },
  { name: '0004_rate_limits', ...rateLimits },
];
