import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

let t: TestTarget;
const requestIds: string[] = [];
let startedAt = 0;
before(async () => {
  t = await startTestEmulator();
  await deploy(
    t,
    'logged',
    zipOf(
      `exports.handler = async (e) => { console.log('item', e.i, 'of the run'); console.log('two\\nlines'); return e.i; };`,
    ),
  );
  startedAt = Date.now();
  for (let i = 0; i < 5; i++) {
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'logged', Payload: JSON.stringify({ i }) }));
    requestIds.push(out.$metadata.requestId ?? '');
  }
});
after(() => stopTestEmulator(t));

test('FilterLogEvents with the REPORT term finds one REPORT per invocation, paged by nextToken', async () => {
  const messages: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await t.logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/logged',
        filterPattern: 'REPORT',
        limit: 2,
        startTime: startedAt - 1000,
        nextToken,
      }),
    );
    messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken);
  assert.equal(pages, 3);
  assert.equal(messages.length, 5);
  for (const [i, id] of requestIds.entries()) assert.ok(messages[i]?.startsWith(`REPORT RequestId: ${id}\t`));
});

test('filter patterns: quoted phrases, several terms, ?any and -exclusions; one event per record', async () => {
  const phrase = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: '"item 3 of the run"' }),
  );
  assert.equal(phrase.events?.length, 1);
  const terms = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: 'RequestId Version' }),
  );
  assert.equal(terms.events?.length, 5, 'the START lines');
  const any = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: '?START ?END' }),
  );
  assert.equal(any.events?.length, 11, 'START and END lines, and INIT_START (which holds START)');
  const none = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: 'RequestId -REPORT -START' }),
  );
  assert.equal(none.events?.length, 5, 'the END lines');
  const multi = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: '"two"' }),
  );
  assert.match(multi.events?.[0]?.message ?? '', /\tINFO\ttwo\nlines$/);
  const window = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: 'REPORT', endTime: startedAt - 1 }),
  );
  assert.equal(window.events?.length, 0, 'endTime bounds the window');
});

test('DescribeLogGroups, DescribeLogStreams (one stream per environment, named like Lambda), GetLogEvents', async () => {
  const groups = await t.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  assert.deepEqual(
    groups.logGroups?.map((g) => g.logGroupName),
    ['/aws/lambda/logged'],
  );
  const streams = await t.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logged' }));
  assert.equal(streams.logStreams?.length, 1, 'sequential invocations reuse one warm environment');
  const name = streams.logStreams?.[0]?.logStreamName ?? '';
  assert.match(name, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  const events = await t.logs.send(
    new GetLogEventsCommand({ logGroupName: '/aws/lambda/logged', logStreamName: name, startFromHead: true, limit: 3 }),
  );
  assert.equal(events.events?.length, 3);
  assert.match(events.events?.[0]?.message ?? '', /^INIT_START Runtime Version: /);
  assert.match(events.events?.[1]?.message ?? '', /^START RequestId: /);
  assert.match(events.events?.[2]?.message ?? '', /INFO\titem 0 of the run/);
  const more = await t.logs.send(
    new GetLogEventsCommand({
      logGroupName: '/aws/lambda/logged',
      logStreamName: name,
      limit: 3,
      nextToken: events.nextForwardToken,
    }),
  );
  assert.match(more.events?.[0]?.message ?? '', /INFO\ttwo\nlines$/);
});

test('DeleteLogGroup removes the group; a missing group is ResourceNotFoundException', async () => {
  await t.logs.send(new DeleteLogGroupCommand({ logGroupName: '/aws/lambda/logged' }));
  await assert.rejects(
    t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged' })),
    (e: unknown) => e instanceof ResourceNotFoundException,
  );
});
