/** Test support: an HTTP request with exactly the headers given (Host and Origin included), as a browser could send. */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  /** Sent in full, then the request ends. */
  body?: string | Buffer;
  /** Chunks written one after another without ending the request (a client still sending). */
  neverEnding?: Buffer[];
}

/** Sends the request to `endpoint` and resolves with the answer, even one that arrives while the body is still unsent. */
export function rawRequest(endpoint: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: r.headers,
        setHost: !r.headers?.host,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          req.destroy();
        });
      },
    );
    // A server that answers early may close the connection while this side still writes: that is expected here.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (r.neverEnding) {
      for (const chunk of r.neverEnding) req.write(chunk);
      return;
    }
    req.end(r.body);
  });
}
