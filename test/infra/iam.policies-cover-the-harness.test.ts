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

type Service = 'lambda' | 'logs' | 'iam' | 'sts';
const SERVICES: Record<string, Service> = {
  lambda: 'lambda',
  'cloudwatch-logs': 'logs',
  iam: 'iam',
  sts: 'sts',
};

/** The IAM action of an SDK v3 command class: its name without "Command" (Invoke is lambda:InvokeFunction). */
function iamAction(service: Service, command: string): string {
  const operation = command.replace(/Command$/, '');
  return `${service}:${operation === 'Invoke' ? 'InvokeFunction' : operation}`;
}

/**
 * The IAM actions the code of `files` can call: every command class it imports from an SDK client. STS
 * GetCallerIdentity needs no permission ("No permissions are required to perform this operation", STS API reference).
 */
function actionsCalledBy(files: string[]): Set<string> {
  const needed = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, names, client] of text.matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(lambda|cloudwatch-logs|iam|sts)'/g,
    )) {
      for (const name of (names ?? '').split(',').map((n) => n.replace(/^type\s+/, '').trim())) {
        if (name.endsWith('Command')) needed.add(iamAction(SERVICES[client ?? ''] ?? 'lambda', name));
      }
    }
  }
  needed.delete('sts:GetCallerIdentity');
  return needed;
}

const harnessSources = () =>
  [...sources(path.join(REPO_ROOT, 'harness')), ...sources(path.join(REPO_ROOT, 'workloads'))].filter(
    (file) => !file.includes(`${path.sep}setup${path.sep}`),
  );

test('the harness policy allows every AWS API call the harness and the workload make', () => {
  const allowed = actions(policy('harness-policy.json'));
  const needed = actionsCalledBy(harnessSources());
  assert.ok(needed.size >= 8, `found the harness's calls: ${[...needed].join(', ')}`);
  assert.ok(needed.has('iam:GetRole'), 'doctor reads the role');
  for (const action of needed) assert.ok(allowed.has(action), `harness-policy.json must allow ${action}`);
});

test('the setup policy allows every call of setup and cleanup --role, the probe function and passing the role', () => {
  const allowed = actions(policy('setup-policy.json'));
  const needed = actionsCalledBy([
    ...sources(path.join(REPO_ROOT, 'harness', 'setup')),
    path.join(REPO_ROOT, 'harness', 'deploy', 'probe.ts'),
  ]);
  // Creating a role with tags needs iam:TagRole as well; Lambda needs iam:PassRole to take the role.
  for (const action of [...needed, 'iam:TagRole', 'iam:PassRole']) {
    assert.ok(allowed.has(action), `setup-policy.json must allow ${action}`);
  }
  assert.ok(needed.has('iam:CreateRole') && needed.has('iam:DeleteRole') && needed.has('lambda:CreateFunction'));
});

test('the function role can write its logs and invoke itself (fan_out), and Lambda can assume it', () => {
  const allowed = actions(policy('function-role-policy.json'));
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents', 'lambda:InvokeFunction'])
    assert.ok(allowed.has(action), action);
  const trust = policy('lambda-trust-policy.json');
  assert.deepEqual(trust[0]?.Action, 'sts:AssumeRole');
});
