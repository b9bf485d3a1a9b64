import http from 'node:http';
import https from 'node:https';
import { ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import type { Config } from '../config';

/** The X settings from config; `apiBaseUrl` replaces the library's own origin (`https://api.x.com`). */
export type XClientSettings = Config['x'];

export interface OAuth1Credentials {
  accessToken: string;
  accessSecret: string;
}

export interface OAuth2Credentials {
  accessToken: string;
  refreshToken: string;
}

export interface RefreshedOAuth2Token extends OAuth2Credentials {
  expiresAt: Date;
}

/** Builds twitter-api-v2 clients whose requests all go to the configured base URL, with a timeout. */
export class XClientFactory {
  private readonly agent: http.Agent;
  private readonly plugin: ITwitterApiClientPlugin;

  constructor(private readonly settings: XClientSettings) {
    const base = new URL(settings.apiBaseUrl);
    this.agent = base.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
    const basePath = base.pathname.replace(/\/+$/, '');
    this.plugin = {
      // The library has no base-URL setting and builds absolute URLs (OAuth token calls included),
      // so each request's URL is moved onto the configured origin before it is sent.
      onBeforeRequestConfig: ({ params }) => {
        const original = new URL(params.url.startsWith('http') ? params.url : `https://${params.url}`);
        params.url = `${base.origin}${basePath}${original.pathname}${original.search}`;
        params.timeout ??= settings.requestTimeoutMs;
        if (original.pathname.startsWith('/2/oauth2/')) {
          // OAuth 2.0 token requests are form-encoded (RFC 6749, section 6). twitter-api-v2 1.29
          // sends them as JSON because its body-type check reads `url.password` instead of the path.
          params.forceBodyMode = 'url';
        }
      },
    };
  }

  /**
   * Creates a client that acts as a user through OAuth 1.0a. Throws MissingAppCredentialsError
   * unless X_APP_KEY and X_APP_SECRET are set.
   */
  forOAuth1(credentials: OAuth1Credentials): TwitterApi {
    if (!this.settings.appKey || !this.settings.appSecret) {
      throw new MissingAppCredentialsError('X_APP_KEY and X_APP_SECRET are required to post with OAuth 1.0a tokens.');
    }
    return new TwitterApi(
      {
        appKey: this.settings.appKey,
        appSecret: this.settings.appSecret,
        accessToken: credentials.accessToken,
        accessSecret: credentials.accessSecret,
      },
      { httpAgent: this.agent, plugins: [this.plugin] },
    );
  }

  /** Creates a client that acts as a user through an OAuth 2.0 access token. */
  forOAuth2(accessToken: string): TwitterApi {
    return new TwitterApi(accessToken, { httpAgent: this.agent, plugins: [this.plugin] });
  }

  /**
   * Exchanges a refresh token for a new access and refresh token pair. X's refresh tokens are
   * single-use, so the caller must store the returned pair before doing anything else.
   */
  async refreshOAuth2(refreshToken: string): Promise<RefreshedOAuth2Token> {
    if (!this.settings.clientId) {
      throw new MissingAppCredentialsError('X_CLIENT_ID (and X_CLIENT_SECRET for confidential apps) is required to refresh OAuth 2.0 tokens.');
    }
    const app = new TwitterApi(
      { clientId: this.settings.clientId, clientSecret: this.settings.clientSecret },
      { httpAgent: this.agent, plugins: [this.plugin] },
    );
    const result = await app.refreshOAuth2Token(refreshToken);
    if (!result.refreshToken) {
      throw new Error('X returned no refresh token; the app needs the offline.access scope.');
    }
    return {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      expiresAt: new Date(Date.now() + result.expiresIn * 1000),
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The app-level X keys this deployment needs are not configured. */
export class MissingAppCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingAppCredentialsError';
  }
}
