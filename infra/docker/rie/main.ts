/**
 * `aws-lambda-rie` in the stand-in image: bundled into one file run by the image's Node (standin-image.ts). Same
 * command line as the Runtime Interface Emulator: `aws-lambda-rie [flags] [bootstrap [args...] [handler]]`.
 */
import { statSync } from 'node:fs';
import { type RieLog, RuntimeInterfaceEmulator } from './emulator.js';
import { parseRieOptions, RieOptionsError } from './options.js';

const LEVEL_ORDER = { debug: 0, info: 1, warn: 2, error: 3 } as const;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** RIE's own log lines read `<date> [LEVEL] (rapid) message` on stderr. */
function stamp(): string {
  const d = new Date();
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 23).replace('.', ',');
  return `${String(d.getUTCDate()).padStart(2, '0')} ${month} ${d.getUTCFullYear()} ${time}`;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseRieOptions>;
  try {
    options = parseRieOptions(process.argv.slice(2), process.env, isFile, process.cwd());
  } catch (error) {
    if (!(error instanceof RieOptionsError)) throw error;
    process.stderr.write(`${stamp()} [ERROR] (rapid) ${error.message}\n`);
    process.exit(2);
  }
  const log: RieLog = {
    platform: (line) => process.stdout.write(`${line}\n`),
    diag: (level, message) => {
      if (LEVEL_ORDER[level] >= LEVEL_ORDER[options.logLevel]) {
        process.stderr.write(`${stamp()} [${level.toUpperCase()}] (rapid) ${message}\n`);
      }
    },
  };
  const rie = new RuntimeInterfaceEmulator(options, log);
  try {
    await rie.listen();
  } catch (error) {
    log.diag('error', `cannot listen: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // As RIE: SIGTERM or SIGINT shuts the runtime down and exits 0 (docker stop).
  const shutdown = (signal: NodeJS.Signals) => {
    log.diag('info', `Received signal ${signal}: shutting down`);
    void rie.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
