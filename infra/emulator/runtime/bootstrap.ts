/**
 * The runtime inside an emulated execution environment: the client half of the Lambda Runtime API
 * (harness/lambda/README.md "Runtime API"), doing what the managed Node.js runtime does: import the handler during init,
 * then loop on `next`, call the handler, post its response or error. Console output is formatted as the Node.js
 * runtime formats it, so the function's own zip runs here as it runs on AWS.
 */
import { readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

type Handler = (
  event: unknown,
  context: LambdaContext,
  callback?: (error: unknown, result?: unknown) => void,
) => unknown;

interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  invokedFunctionArn: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  /** The invoker's ClientContext, parsed (synchronous invocations only). */
  clientContext?: unknown;
  getRemainingTimeInMillis(): number;
}

/** Marks the end of an invocation's output on stdout and stderr (a NUL no log line starts with; see flushOutput). */
const OUTPUT_MARKER = '\u0000vcpu-bench-output-end ';

const api = process.env.AWS_LAMBDA_RUNTIME_API;
if (!api) {
  console.error('bootstrap: AWS_LAMBDA_RUNTIME_API is not set');
  process.exit(1);
}
const [host, portText] = api.split(':');
// The Runtime API answers only requests carrying this environment's token, which the executor writes to stdin.
const runtimeToken = readStdin();

// The environment lives only as long as the emulator that started it. If it is gone (killed, crashed), this process
// is an orphan: its Runtime API and the pipe its output goes to are gone with it. Exit instead of running on.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(1);
}, 1000).unref();
const exitOnBrokenPipe = () => process.exit(1);
process.stdout.on('error', exitOnBrokenPipe);
process.stderr.on('error', exitOnBrokenPipe);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
let currentRequestId: string | undefined;

function request(
  method: 'GET' | 'POST',
  urlPath: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(portText),
        path: urlPath,
        method,
        agent,
        headers: {
          ...headers,
          'x-vcpu-bench-runtime-token': runtimeToken,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** All of stdin (the token), or '' when there is none (stdin closed, or a terminal). */
function readStdin(): string {
  if (process.stdin.isTTY) return '';
  try {
    return readFileSync(0, 'utf8').trim();
  } catch {
    return '';
  }
}

// ---------- console, as the Node.js runtime prints it ----------

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to a file descriptor before returning, as the managed runtime's log writes are synchronous: a
 * handler that logs a lot waits for the reader, rather than queueing megabytes in its own memory that would then be
 * delivered during later invocations. The descriptor may have been made non-blocking (by process.stdout): then wait
 * and retry.
 */
function writeAll(fd: number, text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

function emit(level: string, args: unknown[]): void {
  const message = format(...args);
  const line = jsonLogs
    ? JSON.stringify({ timestamp: new Date().toISOString(), level, requestId: currentRequestId, message })
    : // The runtime writes one record per call; newlines inside it become \r so the record stays one log event.
      `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}`.replace(/\n/g, '\r');
  writeAll(1, `${line}\n`);
}

/** Resolves once a stream has handed everything written to it to the kernel. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return stream.writableLength === 0 ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve));
}

/**
 * Before an invocation's result is posted, all its output reaches the pipes, then a marker the emulator waits for on
 * each of them (and does not log): END and REPORT then follow the invocation's last line, as on Lambda.
 */
async function flushOutput(requestId: string): Promise<void> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  writeAll(1, `${OUTPUT_MARKER}${requestId}\n`);
  writeAll(2, `${OUTPUT_MARKER}${requestId}\n`);
}

console.log = (...args: unknown[]) => emit('INFO', args);
console.info = (...args: unknown[]) => emit('INFO', args);
console.warn = (...args: unknown[]) => emit('WARN', args);
console.error = (...args: unknown[]) => emit('ERROR', args);
console.debug = (...args: unknown[]) => emit('DEBUG', args);
console.trace = (...args: unknown[]) => emit('TRACE', args);

// ---------- errors ----------

interface ErrorBody {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

function errorBody(error: unknown, fallbackType = 'Error'): ErrorBody {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return {
    errorType: fallbackType,
    errorMessage: typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error)),
    trace: [],
  };
}

async function postError(urlPath: string, body: ErrorBody): Promise<void> {
  await request('POST', urlPath, JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
}

// ---------- init: import the handler ----------

async function loadHandler(): Promise<Handler> {
  const spec = process.env._HANDLER ?? 'index.handler';
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = spec.lastIndexOf('.');
  const moduleName = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const { existsSync } = await import('node:fs');
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.join(root, moduleName + ext)).find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(new Error(`Error: ${error instanceof Error ? error.message : String(error)}`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const fromDefault = (mod.default as Record<string, unknown> | undefined)?.[exportName];
  const handler = mod[exportName] ?? fromDefault;
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

function invokeHandler(handler: Handler, event: unknown, context: LambdaContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // Callback-style handlers take three parameters; the rest return a value or a promise.
    const callback = (error: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const out = handler(event, context, callback);
      if (handler.length < 3 || (out && typeof (out as Promise<unknown>).then === 'function')) {
        Promise.resolve(out).then(resolve, reject);
      }
    } catch (error) {
      reject(error);
    }
  });
}

// ---------- the loop ----------

type RuntimeAnswer = Awaited<ReturnType<typeof request>>;

/** As the managed runtime does: an uncaught exception fails the invocation with the error, and the process exits. */
function exitOnUncaughtException(): void {
  let failing = false;
  process.on('uncaughtException', (error) => {
    // Once only: a failure while reporting the failure must not loop.
    if (failing) process.exit(129);
    failing = true;
    emit('ERROR', ['Uncaught Exception', error]);
    const id = currentRequestId;
    const done = () => process.exit(129);
    if (id) postError(`/2018-06-01/runtime/invocation/${id}/error`, errorBody(error)).then(done, done);
    else done();
  });
}

function clientContextOf(next: RuntimeAnswer): { clientContext?: unknown } {
  const header = next.headers['lambda-runtime-client-context'];
  if (typeof header !== 'string') return {};
  try {
    return { clientContext: JSON.parse(header) as unknown };
  } catch {
    return {};
  }
}

function contextOf(next: RuntimeAnswer, requestId: string): LambdaContext {
  const env = process.env;
  const deadlineMs = Number(next.headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    invokedFunctionArn: String(next.headers['lambda-runtime-invoked-function-arn'] ?? ''),
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    callbackWaitsForEmptyEventLoop: true,
    ...clientContextOf(next),
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  };
}

/** Runs the handler on one event and posts its result (or its error) once its output is out. */
async function invokeOnce(handler: Handler, next: RuntimeAnswer): Promise<void> {
  const requestId = String(next.headers['lambda-runtime-aws-request-id']);
  currentRequestId = requestId;
  let outcome: { ok: true; body: string } | { ok: false; error: ErrorBody };
  try {
    const event = next.body.length > 0 ? (JSON.parse(next.body) as unknown) : null;
    const result = await invokeHandler(handler, event, contextOf(next, requestId));
    outcome = { ok: true, body: JSON.stringify(result === undefined ? null : result) };
  } catch (error) {
    emit('ERROR', ['Invoke Error', JSON.stringify(errorBody(error))]);
    outcome = { ok: false, error: errorBody(error) };
  }
  await flushOutput(requestId);
  if (!outcome.ok) return postError(`/2018-06-01/runtime/invocation/${requestId}/error`, outcome.error);
  const posted = await request('POST', `/2018-06-01/runtime/invocation/${requestId}/response`, outcome.body);
  if (posted.status === 413) {
    // The emulator has failed the invocation already (the response is over Lambda's limit); say why, as Lambda's
    // runtime does, and carry on.
    emit('ERROR', [`Failed to post handler success response. Http response code: 413. ${posted.body}`]);
  }
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    emit('ERROR', [error]);
    await postError('/2018-06-01/runtime/init/error', errorBody(error, 'Runtime.Unknown'));
    process.exit(1);
  }
  exitOnUncaughtException();
  for (;;) {
    let next: RuntimeAnswer;
    try {
      next = await request('GET', '/2018-06-01/runtime/invocation/next');
    } catch {
      // The Runtime API is gone: so is the environment.
      process.exit(1);
    }
    await invokeOnce(handler, next);
  }
}

void main();
