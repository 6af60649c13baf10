import { formatVersion } from '@bolt/parser';
import { BoltError } from '../bolt-error.js';
import type { AuthToken } from '../handler.js';
import type { BoltSession } from './bolt-session.js';
import type { HookCall } from './interrupts.js';

/** HELLO keys that are not part of the inline auth token (3–5.0). */
const HELLO_KEYS = new Set([
  'user_agent',
  'bolt_agent',
  'routing',
  'patch_bolt',
  'notifications_minimum_severity',
  'notifications_disabled_categories',
  'notifications_disabled_classifications',
]);

const UNAUTHORIZED = 'Neo.ClientError.Security.Unauthorized';

type AuthRequest = 'INIT' | 'HELLO' | 'LOGON';
/** What varies between calls of `authenticate`. */
type AuthCall = {
  auth: Authentication;
  request: AuthRequest;
  token: AuthToken;
  successMeta: Record<string, unknown>;
};

/**
 * Who the client is: INIT (1–2), HELLO (3+, with the credentials inline up to 5.0), LOGON and
 * LOGOFF (5.1+), each checked by the handler's `authenticate` hook.
 */
export class Authentication {
  /** What `authenticate` returned; undefined before it and after LOGOFF. */
  user: unknown;
  userAgent: string | undefined;
  boltAgent: Record<string, unknown> | undefined;
  routing: Record<string, unknown> | null | undefined;

  constructor(private readonly session: BoltSession) {}

  init(userAgent: string, token: AuthToken): void | Promise<void> {
    this.userAgent = userAgent;
    return this.authenticate('INIT', token, { server: this.session.options.agent });
  }

  hello(extra: Record<string, unknown>): void | Promise<void> {
    const s = this.session;
    const f = s.features!;
    this.readHello(extra);
    const meta: Record<string, unknown> = { server: s.options.agent, connection_id: s.id };
    if (f.hints) meta.hints = this.hints();
    const utc = f.utcPatch && Array.isArray(extra.patch_bolt) && extra.patch_bolt.includes('utc');
    if (utc) meta.patch_bolt = ['utc'];
    if (s.manifestUsed && f.manifest) meta.protocol_version = formatVersion(s.version!);
    // The utc patch applies to everything after the SUCCESS (sent now, or later).
    const patch = (): void => {
      if (utc && s.state === 'READY') s.codec!.enableUtcPatch();
    };
    if (!f.hasHelloAuth) {
      s.succeed('HELLO', meta);
      if (utc) s.codec!.enableUtcPatch();
      return;
    }
    const token: AuthToken = {};
    for (const key of Object.keys(extra)) if (!HELLO_KEYS.has(key)) token[key] = extra[key];
    const r = this.authenticate('HELLO', token, meta);
    if (r === undefined) patch();
    else if (utc) return r.then(patch);
    return r;
  }

  logon(token: AuthToken): void | Promise<void> {
    const s = this.session;
    const meta: Record<string, unknown> = {};
    if (s.features!.homeDbInSuccess && s.options.advertisedAddress)
      meta.advertised_address = s.options.advertisedAddress;
    return this.authenticate('LOGON', token, meta);
  }

  logoff(): void {
    const s = this.session;
    this.user = undefined;
    s.succeed('LOGOFF', {});
    // Unauthenticated again: the client gets the same time to LOGON as after connecting.
    if (s.state === 'AUTHENTICATION') s.timers.armAuthDeadline('no LOGON after LOGOFF');
  }

  private readHello(extra: Record<string, unknown>): void {
    this.userAgent = typeof extra.user_agent === 'string' ? extra.user_agent : undefined;
    const agent = extra.bolt_agent;
    this.boltAgent =
      agent !== null && typeof agent === 'object' ? (agent as Record<string, unknown>) : undefined;
    const routing = extra.routing;
    this.routing =
      routing === null || routing === undefined
        ? routing
        : typeof routing === 'object'
          ? (routing as Record<string, unknown>)
          : undefined;
  }

  /** The `hints` of HELLO SUCCESS (4.3+). */
  private hints(): Record<string, unknown> {
    const { features: f, options } = this.session;
    const hints: Record<string, unknown> = {};
    if (options.recvTimeoutSeconds !== undefined)
      hints['connection.recv_timeout_seconds'] = options.recvTimeoutSeconds;
    if (f!.telemetry) hints['telemetry.enabled'] = options.telemetry;
    if (f!.homeDbInSuccess) hints['ssr.enabled'] = options.serverSideRouting;
    return hints;
  }

  /**
   * Ask `authenticate` (default: accept, the user is `{username: principal}`). A falsy user or
   * a plain throw is answered Unauthorized; a thrown BoltError keeps its code.
   */
  private authenticate(
    request: AuthRequest,
    token: AuthToken,
    successMeta: Record<string, unknown>,
  ): void | Promise<void> {
    const s = this.session;
    const call = { auth: this, request, token, successMeta };
    if (s.handler.authenticate === undefined) {
      const principal = typeof token.principal === 'string' ? token.principal : '';
      return this.accept({ username: principal }, call);
    }
    return s.interrupts.hook(request, Authentication.authenticateHook, call);
  }

  /** INIT, HELLO (up to 5.0) and LOGON: the handler's `authenticate`. */
  private static readonly authenticateHook: HookCall<unknown, AuthCall> = {
    call: ({ auth, token }) => {
      const s = auth.session;
      return s.handler.authenticate!(token, s.info);
    },
    ok: (user, call) => call.auth.accept(user, call),
    failed: (e, call) => {
      const s = call.auth.session;
      if (BoltError.isInstance(e)) s.fail(call.request, e);
      else {
        s.log('warn', 'authenticate() threw; rejecting', e);
        call.auth.accept(undefined, call);
      }
    },
  };

  /** SUCCESS for a user, FAILURE Unauthorized for none. */
  private accept(user: unknown, { request, token, successMeta }: AuthCall): void {
    const s = this.session;
    if (user === undefined || user === null || user === false) {
      // (the scheme is the client's value: any type, a map whose own keys make String() throw)
      const scheme =
        typeof token.scheme === 'string' ? token.scheme : `of type ${typeof token.scheme}`;
      s.log('info', `authentication rejected (scheme ${scheme})`);
      s.fail(request, unauthorized());
      return;
    }
    this.user = user;
    s.succeed(request, successMeta);
  }
}

function unauthorized(): BoltError {
  return new BoltError('The client is unauthorized due to authentication failure.', {
    code: UNAUTHORIZED,
    gqlStatus: '42NFF',
    gqlStatusDescription:
      'error: syntax error or access rule violation - permission/access denied. The client is unauthorized due to authentication failure.',
  });
}
