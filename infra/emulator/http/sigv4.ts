/**
 * `--require-auth`: every request must be signed (AWS Signature Version 4) with the one access key the emulator made
 * and printed at start. The signature is recomputed with AWS's own signer (@smithy/signature-v4, the one the SDK
 * signs with) over exactly the headers the client says it signed, and compared in constant time. Errors are AWS's.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from '../api-error.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A fresh key in AWS's shape: `AKIA` and 16 upper-case letters or digits, a 40-character secret. */
export function newAccessKey(): AccessKey {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

/** AWS refuses a request signed more than five minutes before or after its own clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

function bytesOf(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the signer takes (a Checksum constructor). */
export class NodeSha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : bytesOf(this.secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

interface ParsedAuthorization {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const incomplete = (message: string) => new ApiError(400, 'IncompleteSignatureException', message);

function parseAuthorization(header: string): ParsedAuthorization {
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!m) {
    throw incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`);
  }
  const [, accessKeyId = '', , region = '', service = '', signedHeaders = '', signature = ''] = m;
  return { accessKeyId, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** `20240101T000000Z` as a Date; null when it is not that shape. */
function parseAmzDate(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function checkClock(amzDate: string, signedAt: Date, nowMs: number): void {
  const fmt = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  if (signedAt.getTime() < nowMs - MAX_SKEW_MS) {
    throw new ApiError(
      403,
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${fmt(nowMs - MAX_SKEW_MS)} (${fmt(nowMs)} - 5 min.)`,
    );
  }
  if (signedAt.getTime() > nowMs + MAX_SKEW_MS) {
    throw new ApiError(
      403,
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${fmt(nowMs + MAX_SKEW_MS)} (${fmt(nowMs)} + 5 min.)`,
    );
  }
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

/** What the client's signature must be, recomputed over the headers it signed. */
async function expectedSignature(
  req: http.IncomingMessage,
  body: Buffer,
  key: AccessKey,
  auth: ParsedAuthorization,
  signedAt: Date,
): Promise<string> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw incomplete(`Signed header ${name} is missing from the request.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: key,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: 'emulator',
      path: url.pathname,
      query: queryOf(url),
      headers,
      body,
    },
    { signingDate: signedAt, signableHeaders: new Set(auth.signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
}

/** Throws AWS's error unless the request is signed with `key`, within five minutes of now. */
export async function verifySignature(
  req: http.IncomingMessage,
  body: Buffer,
  key: AccessKey,
  nowMs = Date.now(),
): Promise<void> {
  const header = req.headers.authorization;
  if (header === undefined)
    throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const auth = parseAuthorization(header);
  if (auth.accessKeyId !== key.accessKeyId) {
    throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host')) {
    throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  checkClock(amzDate, signedAt, nowMs);
  // A client may state the body's hash instead of the signer hashing it: the statement must be true.
  const statedHash = req.headers['x-amz-content-sha256'];
  if (typeof statedHash === 'string' && statedHash !== createHash('sha256').update(body).digest('hex')) {
    throw new ApiError(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const expected = Buffer.from(await expectedSignature(req, body, key, auth, signedAt));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}
