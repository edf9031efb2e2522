/**
 * Where a command runs: the local emulator or AWS. Its own module so the record format (harness/run/record.ts) can
 * check a record's target without loading every option table (and the emulator behind them) into a parsing thread.
 */
export const TARGETS = ['local', 'aws'] as const;
export type Target = (typeof TARGETS)[number];
