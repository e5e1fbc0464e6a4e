// Shapes shared by the pub/sub console's engine: credentials per auth mode, endpoint
// profiles, and the results of publish / subscribe as the service reported them.
// Pure data, structured-clone friendly, so profiles can go to extension storage as they are.

/** The five auth modes of an Event API (the service's AuthType enum). */
export type ConsoleAuthMode = 'API_KEY' | 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT' | 'AWS_LAMBDA' | 'AWS_IAM';

export const CONSOLE_AUTH_MODES: readonly ConsoleAuthMode[] = [
  'API_KEY',
  'AMAZON_COGNITO_USER_POOLS',
  'OPENID_CONNECT',
  'AWS_LAMBDA',
  'AWS_IAM',
];

export type AuthConfig =
  | { readonly mode: 'API_KEY'; readonly apiKey: string }
  | { readonly mode: 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT'; readonly jwt: string }
  | { readonly mode: 'AWS_LAMBDA'; readonly token: string }
  | {
      readonly mode: 'AWS_IAM';
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
      /** Defaults to the region of a default-domain endpoint. */
      readonly region?: string;
    };

/** What the user typed: either endpoint may be empty, the other one is derived. */
export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly httpUrl: string;
  readonly realtimeUrl: string;
  readonly auth: AuthConfig;
  /** Keep the secrets in extension storage; otherwise they live only for the browser session. */
  readonly remember: boolean;
}

/** A profile whose endpoints and signing region are known. */
export interface ResolvedProfile {
  readonly httpUrl: string;
  readonly realtimeUrl: string;
  /** host[:port] of the HTTP endpoint: the `host` of every auth object (reference 2.2). */
  readonly httpHost: string;
  readonly custom: boolean;
  readonly region?: string;
  readonly auth: AuthConfig;
}

/** One error entry as the service sent it. */
export interface ServiceError {
  readonly errorType?: string;
  readonly message?: string;
  readonly errorCode?: number;
}

/** The verdict on one event of a publish, by its index in the request. */
export interface EventResult {
  readonly index: number;
  readonly ok: boolean;
  readonly identifier?: string;
  /** The service's code: numeric over HTTP (`400`, `413`), as sent. */
  readonly code?: string;
  /** The error's type when the service names it apart from the code (`BadRequestException`). */
  readonly errorType?: string;
  readonly message?: string;
}

export type Transport = 'http' | 'ws';

export type PublishOutcome =
  | {
      readonly ok: true;
      readonly transport: Transport;
      /** One entry per event sent, in request order. */
      readonly events: readonly EventResult[];
      readonly status?: number;
      readonly durationMs: number;
    }
  | {
      /** The whole request was refused (publish_error, HTTP error, timeout, network). */
      readonly ok: false;
      readonly transport: Transport;
      readonly errors: readonly ServiceError[];
      readonly status?: number;
      /** The response text when it was not the usual error JSON. */
      readonly body?: string;
      readonly durationMs: number;
    };
