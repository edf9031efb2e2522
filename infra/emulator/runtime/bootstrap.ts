/**
 * The runtime inside an emulated execution environment: the client half of the Lambda Runtime API
 * (harness/lambda/README.md "Runtime API"), doing what the managed Node.js runtime does: import the handler during init,
 * then loop on `next`, call the handler, post its response or error. Console output is formatted as the Node.js
 * runtime formats it, so the function's own zip runs here as it runs on AWS.
 */
import { readFileSync } from 'node:fs';
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
  getRemainingTimeInMillis(): number;
}

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

function emit(level: string, args: unknown[]): void {
  const message = format(...args);
  const line = jsonLogs
    ? JSON.stringify({ timestamp: new Date().toISOString(), level, requestId: currentRequestId, message })
    : // The runtime writes one record per call; newlines inside it become \r so the record stays one log event.
      `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}`.replace(/\n/g, '\r');
  process.stdout.write(`${line}\n`);
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

async function main(): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    emit('ERROR', [error]);
    await postError('/2018-06-01/runtime/init/error', errorBody(error, 'Runtime.Unknown'));
    process.exit(1);
  }
  const env = process.env;
  let failing = false;
  process.on('uncaughtException', (error) => {
    // As the managed runtime does: the invocation fails with the error, and the process exits. Once only: a failure
    // while reporting the failure must not loop.
    if (failing) process.exit(129);
    failing = true;
    emit('ERROR', ['Uncaught Exception', error]);
    const id = currentRequestId;
    const done = () => process.exit(129);
    if (id) postError(`/2018-06-01/runtime/invocation/${id}/error`, errorBody(error)).then(done, done);
    else done();
  });
  for (;;) {
    let next: Awaited<ReturnType<typeof request>>;
    try {
      next = await request('GET', '/2018-06-01/runtime/invocation/next');
    } catch {
      // The Runtime API is gone: so is the environment.
      process.exit(1);
    }
    const requestId = String(next.headers['lambda-runtime-aws-request-id']);
    const deadlineMs = Number(next.headers['lambda-runtime-deadline-ms']);
    currentRequestId = requestId;
    const context: LambdaContext = {
      awsRequestId: requestId,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
      invokedFunctionArn: String(next.headers['lambda-runtime-invoked-function-arn'] ?? ''),
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => deadlineMs - Date.now(),
    };
    try {
      const event = next.body.length > 0 ? (JSON.parse(next.body) as unknown) : null;
      const result = await invokeHandler(handler, event, context);
      await request(
        'POST',
        `/2018-06-01/runtime/invocation/${requestId}/response`,
        JSON.stringify(result === undefined ? null : result),
      );
    } catch (error) {
      emit('ERROR', ['Invoke Error', JSON.stringify(errorBody(error))]);
      await postError(`/2018-06-01/runtime/invocation/${requestId}/error`, errorBody(error));
    }
  }
}

void main();
