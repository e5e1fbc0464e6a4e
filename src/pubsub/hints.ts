// Plain-language hints next to the service's errors. The error itself is always shown as
// the service sent it; the hint says what to try next.

import type { ConsoleAuthMode, ServiceError } from './types.ts';

const CREDENTIAL: Record<ConsoleAuthMode, string> = {
  API_KEY: 'an API key of this API (da2-…) that has not expired',
  AMAZON_COGNITO_USER_POOLS: 'a valid, unexpired Cognito user pool token (ID or access token) from the configured user pool',
  OPENID_CONNECT: 'a valid, unexpired JWT from the configured OIDC issuer (and client id, if one is set)',
  AWS_LAMBDA: 'a token your Lambda authorizer accepts for this operation',
  AWS_IAM: 'IAM credentials allowed to call appsync:EventConnect/EventSubscribe/EventPublish, the right region, and a clock within 15 minutes of AWS',
};

export interface HintContext {
  readonly mode: ConsoleAuthMode;
  readonly operation: 'connect' | 'subscribe' | 'publish';
  readonly status?: number;
}

/** A hint for one error of a request, or undefined when there is nothing useful to add. */
export function hintFor(error: ServiceError | undefined, ctx: HintContext): string | undefined {
  const type = error?.errorType ?? '';
  const msg = error?.message ?? '';
  if (ctx.status === 0 || type === 'NetworkError') {
    return 'The request did not reach the API: check the endpoint, that the server is running, and (for a custom domain) that the extension may access it.';
  }
  if (type === 'Timeout') return 'No answer in time: the endpoint may be wrong or the service slow; try again.';
  if (ctx.status === 401 || ctx.status === 403 || error?.errorCode === 401 || /Unauthorized|AccessDenied|Forbidden/i.test(type)) {
    const what = `The ${modeLabel(ctx.mode)} mode expects ${CREDENTIAL[ctx.mode]}.`;
    if (ctx.status === 403 && !/Unauthorized/.test(type)) return `Refused: an authorizer or an onPublish/onSubscribe handler rejected it (403). ${what}`;
    return `${what} Also check that the channel namespace allows this mode for ${ctx.operation === 'connect' ? 'connecting' : ctx.operation + 'ing'}.`;
  }
  if (/signature/i.test(msg)) return 'The SigV4 signature does not match: check the secret key, the region and the clock.';
  if (/wildcard|\*/.test(msg) && ctx.operation === 'publish') return 'Publish to a concrete channel (no *); only subscriptions may use a trailing /*.';
  if (/Invalid Channel|channel/i.test(msg) && type === 'BadRequestException') {
    return 'Channels look like /namespace/a/b: up to 5 segments of letters, digits and dashes, 50 characters each.';
  }
  if (type === 'ResourceNotFound' || /Namespace not found/i.test(msg)) return 'The first channel segment must name a channel namespace that exists in this API.';
  if (type === 'EventTooLargeException') return 'Each event may be at most 240 KB after transformation: make it smaller.';
  if (type === 'LimitExceededError' || /rate|limit/i.test(type)) return 'Too many requests: slow down and retry.';
  if (type === 'DuplicatedOperationError') return 'This subscription id is already in use on this connection.';
  if (type === 'InvalidInputError' || type === 'BadRequestException') {
    return 'The request does not have the shape the service expects: at most 5 events, each a JSON value.';
  }
  if (ctx.status === 413) return 'The request body is too large.';
  return undefined;
}

export function modeLabel(mode: ConsoleAuthMode): string {
  return {
    API_KEY: 'API key',
    AMAZON_COGNITO_USER_POOLS: 'Cognito user pools',
    OPENID_CONNECT: 'OpenID Connect',
    AWS_LAMBDA: 'Lambda',
    AWS_IAM: 'IAM',
  }[mode];
}
