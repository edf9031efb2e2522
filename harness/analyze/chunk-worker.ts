/**
 * The worker thread of the streaming analyzer (analyze.ts runs a piscina pool of these on a large run): one chunk of
 * invocations.jsonl in, its analysis (chunk.ts) out.
 */
import { analyzeChunk, type ChunkResult } from './chunk.js';

export interface ChunkTask {
  bytes: Uint8Array;
  unterminated: boolean;
}

export default function analyzeChunkTask(task: ChunkTask): ChunkResult {
  return analyzeChunk(task.bytes, task.unterminated);
}
