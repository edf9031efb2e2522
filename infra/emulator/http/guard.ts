/**
 * What keeps a web page from using the emulator. A page the user visits can send "simple" cross-site requests
 * (text/plain, form bodies) without a preflight, and a DNS-rebinding page can even read answers; either would let it
 * create and run code on this machine. So every request must come from a client that is not a browser (no `Origin`
 * header: browsers send one on every POST and every cross-origin request), name the emulator's own address in `Host`
 * (a rebinding page's Host is its own domain), and carry a body only in a content type the AWS SDKs send.
 */
import type http from 'node:http';
import { isIP } from 'node:net';
import os from 'node:os';
import { ApiError } from '../api-error.js';

/**
 * Content types the AWS SDKs and CLIs send: JSON for structured bodies, the JSON 1.1 protocol for CloudWatch Logs,
 * and octet-stream (or no type at all, as botocore sends Invoke payloads) for blobs.
 */
const SDK_CONTENT_TYPES = new Set([
  'application/json',
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
  'application/octet-stream',
  'binary/octet-stream',
]);

export interface HostRule {
  /** Port the emulator listens on: a Host header must name it. */
  port: number;
  /** Address it listens on (`127.0.0.1`, `0.0.0.0`, ...). */
  listenHost: string;
  /** Further names clients may use for it (say, `host.docker.internal` for containers). */
  extraNames: readonly string[];
}

/** Host names that reach this emulator by design; a DNS name an attacker controls is never among them. */
function allowedNames(rule: HostRule): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', rule.listenHost, os.hostname(), ...rule.extraNames];
  return new Set(names.map((n) => n.toLowerCase()));
}

/** `host[:port]` of a Host header, IPv6 literals in brackets; null when it does not parse. */
export function splitHost(header: string): { name: string; port: number | null } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!m) return null;
  return { name: (m[1] ?? m[2] ?? '').toLowerCase(), port: m[3] === undefined ? null : Number(m[3]) };
}

function checkHost(req: http.IncomingMessage, rule: HostRule, names: Set<string>): void {
  const header = req.headers.host;
  const host = typeof header === 'string' ? splitHost(header) : null;
  const wildcard = rule.listenHost === '0.0.0.0' || rule.listenHost === '::';
  // Listening on every interface, any IP literal is fine: DNS rebinding needs a name.
  const nameOk = host !== null && (names.has(host.name) || (wildcard && isIP(host.name) !== 0));
  const portOk = host !== null && (host.port ?? 80) === rule.port;
  if (!nameOk || !portOk) {
    throw new ApiError(
      403,
      'AccessDeniedException',
      `Host ${String(header)} is not this emulator's address: it answers only requests addressed to it (${[...names].join(', ')}, port ${rule.port})`,
    );
  }
}

/**
 * AWS's query protocol (IAM and STS, emulated for `setup`: iam-sts.ts) posts a form, which a page can send too; but not
 * with a SigV4 `Authorization` header, which needs a CORS preflight no answer here grants. So a form passes only signed.
 */
function isSignedForm(type: string, req: http.IncomingMessage): boolean {
  return type === 'application/x-www-form-urlencoded' && /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '');
}

function checkContentType(req: http.IncomingMessage): void {
  const header = req.headers['content-type'];
  if (header === undefined) return;
  const type = header.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!SDK_CONTENT_TYPES.has(type) && !isSignedForm(type, req)) {
    throw new ApiError(
      415,
      'UnsupportedMediaTypeException',
      `The content type ${header} is not supported: send application/json (or a blob as application/octet-stream), as the AWS SDKs do`,
    );
  }
}

/** Creates the check for one emulator: throws an ApiError for a request it must refuse before reading its body. */
export function requestGuard(rule: HostRule): (req: http.IncomingMessage) => void {
  const names = allowedNames(rule);
  return (req) => {
    if (req.headers.origin !== undefined) {
      throw new ApiError(
        403,
        'AccessDeniedException',
        `Requests from web pages (Origin: ${req.headers.origin}) are refused: the emulator runs code on this machine`,
      );
    }
    checkHost(req, rule, names);
    checkContentType(req);
  };
}
