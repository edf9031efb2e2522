/**
 * Request bodies, read with a cap: a body over its operation's limit is refused as soon as `Content-Length` says so,
 * or as soon as the bytes read pass the limit, so no request can make the emulator buffer more than the limit.
 */
import type http from 'node:http';
import type { ApiError } from '../api-error.js';

/** Why a body was refused: how many bytes it declared or had sent when it passed the limit. */
export type TooLarge = (bytes: number) => ApiError;

export function readBodyCapped(req: http.IncomingMessage, limitBytes: number, tooLarge: TooLarge): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    // Discard whatever the client still sends; the answer closes the connection.
    req.resume();
    return Promise.reject(tooLarge(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      chunks.length = 0;
      req.off('data', onData);
      req.resume();
      reject(tooLarge(bytes));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
