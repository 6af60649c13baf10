import type { BoltFeatures } from './features.js';
import type {
  AuthToken,
  BoltAgent,
  HelloExtra,
  HelloRequest,
  InitRequest,
  LogonRequest,
  NotificationFilterKeys,
} from './request.js';

/** What a client says about itself when it opens a session; {@link openingRequests} puts each
 *  item where the negotiated version wants it. */
export interface Introduction {
  /** `user_agent` (HELLO) or INIT's user agent. */
  userAgent: string;
  /** The credentials: INIT's token (1–2), inline in HELLO (3–5.0), LOGON's map (5.1+). */
  auth: AuthToken;
  /** The routing context (4.1+): `{}` or `{address, …}` when routing; left out when undefined. */
  routing?: Record<string, unknown> | null;
  /** Ask a 4.3/4.4 server for UTC DateTime (`patch_bolt: ["utc"]`). Default true. */
  utcPatch?: boolean;
  /** Notification filter keys (5.2+), as they travel. Earlier versions refuse them when the
   *  request is encoded. */
  notifications?: NotificationFilterKeys;
  /** `bolt_agent` (5.3+, where it is mandatory). */
  boltAgent: BoltAgent;
}

/**
 * The requests that open a session in a version: `INIT` (1–2), `HELLO` with the credentials
 * inline (3–5.0), or `HELLO` then `LOGON` (5.1+). Keys the version does not know are left out
 * (`routing` before 4.1, `patch_bolt` outside 4.3–4.4, `bolt_agent` before 5.3).
 */
export function openingRequests(
  f: BoltFeatures,
  intro: Introduction,
): { hello: InitRequest | HelloRequest; logon?: LogonRequest } {
  if (!f.hasHello)
    return { hello: { type: 'INIT', userAgent: intro.userAgent, authToken: intro.auth } };
  const extra: HelloExtra = { user_agent: intro.userAgent };
  if (f.hasHelloAuth) Object.assign(extra, intro.auth);
  if (f.routingInHello && intro.routing !== undefined) extra.routing = intro.routing;
  if (f.utcPatch && intro.utcPatch !== false) extra.patch_bolt = ['utc'];
  if (intro.notifications) Object.assign(extra, intro.notifications);
  if (f.boltAgent) extra.bolt_agent = intro.boltAgent;
  const hello: HelloRequest = { type: 'HELLO', extra };
  return f.hasLogon ? { hello, logon: { type: 'LOGON', auth: intro.auth } } : { hello };
}
