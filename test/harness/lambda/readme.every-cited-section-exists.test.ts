/**
 * Code, tests and documents cite a Lambda fact by the path harness/lambda/README.md followed by the section's heading
 * in double quotes (inside harness/lambda/, the bare word README does for the path). Every heading so cited must be a
 * `##` heading of that README, or the citation points a reader nowhere. Citations may wrap across comment lines, and
 * may name several sections at once, separated by commas or "and".
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../harness/paths.js';

const README = path.join(REPO_ROOT, 'harness', 'lambda', 'README.md');
const SCANNED_DIRS = ['harness', 'infra', 'workloads', 'scripts', 'lib', 'test'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|md)$/.test(entry.name) && full !== README ? [full] : [];
  });
}

/** The text with comment continuations joined, so a citation wrapped over two comment lines reads as one. */
function joinedLines(text: string): string {
  return text.replace(/\s*\n\s*(?:\*(?!\/)|\/\/|#)?\s*/g, ' ');
}

/** Every section a file cites: after the README's full path anywhere, or after a bare README inside harness/lambda/. */
function citedSections(file: string): string[] {
  const bareAllowed = path.dirname(file) === path.dirname(README);
  const text = joinedLines(readFileSync(file, 'utf8'));
  const citation = /(harness\/lambda\/)?README(?:\.md)? "([^"]+)"((?:\s*(?:,|and)\s*"[^"]+")*)/g;
  const sections: string[] = [];
  for (const match of text.matchAll(citation)) {
    const [, fullPath, first = '', more = ''] = match;
    if (fullPath === undefined && !bareAllowed) continue;
    if (fullPath === undefined && match.index !== undefined && text[match.index - 1] === '/') continue;
    sections.push(first, ...[...more.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''));
  }
  return sections;
}

test('every section of harness/lambda/README.md that the code, tests and documents cite is one of its headings', () => {
  const headings = new Set([...readFileSync(README, 'utf8').matchAll(/^## (.+)$/gm)].map((m) => (m[1] ?? '').trim()));
  const citations = SCANNED_DIRS.flatMap((dir) => sourceFiles(path.join(REPO_ROOT, dir))).flatMap((file) =>
    citedSections(file).map((section) => ({ file: path.relative(REPO_ROOT, file), section })),
  );
  // The scan itself must work: the project cites the README about a hundred times.
  assert.ok(citations.length > 50, `only ${citations.length} citations found: the scan is broken`);
  const missing = citations.filter((c) => !headings.has(c.section)).map((c) => `${c.file}: "${c.section}"`);
  assert.deepEqual(missing, [], `cited sections missing from harness/lambda/README.md:\n${missing.join('\n')}`);
});
