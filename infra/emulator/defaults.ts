/**
 * The emulator's defaults, apart from the emulator itself: the CLI's options describe them, and loading the emulator
 * (its HTTP server, executors and their dependencies) to read five constants cost every command a tenth of a second.
 */
import type { InitCpuMode } from '../../harness/lambda/platform.js';

export const EMULATOR_DEFAULTS = {
  port: 9769,
  host: '127.0.0.1',
  region: 'us-east-1',
  /** Executions in flight at once; beyond it Invoke answers 429, as Lambda does at the account limit. */
  concurrency: 10,
  keepAliveS: 300,
  /** INIT with Lambda's measured boost (harness/lambda/README.md "INIT"), not the memory's quota. */
  initCpu: 'boost' as InitCpuMode,
} as const;
