import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../harness/paths.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

function policy(name: string): Statement[] {
  const doc = JSON.parse(readFileSync(path.join(REPO_ROOT, 'infra', 'iam', name), 'utf8')) as {
    Version: string;
    Statement: Statement[];
  };
  assert.equal(doc.Version, '2012-10-17');
  return doc.Statement;
}

function actions(statements: Statement[]): Set<string> {
  return new Set(
    statements.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The IAM action of an SDK v3 command class: its name without "Command" (Invoke is lambda:InvokeFunction). */
function iamAction(service: 'lambda' | 'logs', command: string): string {
  const operation = command.replace(/Command$/, '');
  return `${service}:${operation === 'Invoke' ? 'InvokeFunction' : operation}`;
}

test('the harness policy allows every AWS API call the harness and the workload make', () => {
  const allowed = actions(policy('harness-policy.json'));
  const needed = new Set<string>();
  for (const file of [...sources(path.join(REPO_ROOT, 'harness')), ...sources(path.join(REPO_ROOT, 'workloads'))]) {
    const text = readFileSync(file, 'utf8');
    // Every command class imported from an SDK client is a call the code can make.
    for (const [, names, client] of text.matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(lambda|cloudwatch-logs)'/g,
    )) {
      for (const name of (names ?? '').split(',').map((n) => n.replace(/^type\s+/, '').trim())) {
        if (name.endsWith('Command')) needed.add(iamAction(client === 'lambda' ? 'lambda' : 'logs', name));
      }
    }
  }
  assert.ok(needed.size >= 8, `found the harness's calls: ${[...needed].join(', ')}`);
  for (const action of needed) assert.ok(allowed.has(action), `harness-policy.json must allow ${action}`);
});

test('the function role can write its logs and invoke itself (fan_out), and Lambda can assume it', () => {
  const allowed = actions(policy('function-role-policy.json'));
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents', 'lambda:InvokeFunction'])
    assert.ok(allowed.has(action), action);
  const trust = policy('lambda-trust-policy.json');
  assert.deepEqual(trust[0]?.Action, 'sts:AssumeRole');
});
