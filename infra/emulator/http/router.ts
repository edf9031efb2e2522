/**
 * The emulator's HTTP plumbing: a route table (method + path pattern -> operation and handler), the body limit of each
 * operation, and replies in the shape of AWS's REST-JSON protocol (JSON bodies, `x-amzn-requestid`, errors with
 * `x-amzn-errortype` and `{ Type, message }`).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApiError, requestTooLarge } from '../api-error.js';
import type { TooLarge } from './body.js';

export interface RequestContext {
  req: http.IncomingMessage;
  url: URL;
  /** Path parameters, URI-decoded. */
  params: Record<string, string>;
  body: Buffer;
}

export interface Reply {
  status: number;
  /** A JSON body; omitted for empty answers. */
  json?: unknown;
  /** A body sent as it is (an Invoke payload, a zip). */
  raw?: Buffer;
  headers?: Record<string, string | number>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route<Api> {
  method: Method;
  /** Matched against the decoded-once path; named groups become `params`. */
  path: RegExp;
  /** AWS's name for the operation, used in errors. */
  operation: string;
  /** Largest body accepted; a number, or a rule that depends on the request (Invoke's type). */
  body?: number | ((req: http.IncomingMessage) => { limitBytes: number; tooLarge: TooLarge });
  /** Served without a signature even under --require-auth (the emulator's own status, token-guarded code). */
  unsigned?: boolean;
  handle(api: Api, ctx: RequestContext): Reply | Promise<Reply>;
}

/** Bodies of operations with no limit of their own: ample for any configuration, far below memory trouble. */
export const DEFAULT_BODY_BYTES = 256 * 1024;

export interface Match<Api> {
  route: Route<Api>;
  params: Record<string, string>;
}

export function matchRoute<Api>(routes: readonly Route<Api>[], method: string, pathname: string): Match<Api> | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.path.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(m.groups ?? {})) {
      if (value === undefined) continue;
      try {
        params[key] = decodeURIComponent(value);
      } catch {
        params[key] = value;
      }
    }
    return { route, params };
  }
  return null;
}

/** The body limit of a route, and the error for a body over it. */
export function bodyLimit<Api>(
  route: Route<Api>,
  req: http.IncomingMessage,
): { limitBytes: number; tooLarge: TooLarge } {
  if (typeof route.body === 'function') return route.body(req);
  const limitBytes = route.body ?? DEFAULT_BODY_BYTES;
  return { limitBytes, tooLarge: () => requestTooLarge(route.operation, limitBytes) };
}

export function sendReply(res: http.ServerResponse, reply: Reply): void {
  const body = reply.raw ?? (reply.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.json)));
  const headers: Record<string, string | number> = {
    'x-amzn-requestid': randomUUID(),
    ...(reply.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...reply.headers,
    'content-length': body.length,
  };
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** AWS's error document; a body too large also closes the connection, so the rest of it is never read. */
export function sendError(res: http.ServerResponse, error: unknown, jsonType = 'application/json'): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(500, 'ServiceException', error instanceof Error ? error.message : String(error));
  const text = JSON.stringify({
    Type: apiError.status >= 500 ? 'Service' : 'User',
    message: apiError.message,
    __type: apiError.type,
    ...apiError.extra,
  });
  res.writeHead(apiError.status, {
    'content-type': jsonType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': apiError.type,
    'x-amzn-requestid': randomUUID(),
    ...apiError.headers,
    ...(apiError.status === 413 ? { connection: 'close' } : {}),
  });
  res.end(text);
}
