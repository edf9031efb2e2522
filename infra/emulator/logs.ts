/**
 * The CloudWatch Logs side: one group per function (harness/lambda/platform.ts logGroupOf), one stream per execution environment,
 * named as Lambda names them, and the read APIs the harness uses (FilterLogEvents, GetLogEvents, DescribeLogGroups,
 * DescribeLogStreams, DeleteLogGroup) with token paging.
 */
import { ApiError } from './api-error.js';
import { compileFilterPattern } from './filter-pattern.js';

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

interface Stream {
  name: string;
  creationTime: number;
  events: LogEvent[];
}

interface Group {
  name: string;
  creationTime: number;
  streams: Map<string, Stream>;
}

const MAX_LIMIT = 10_000;

function resourceNotFound(message: string): ApiError {
  return new ApiError(400, 'ResourceNotFoundException', message);
}

function invalidParameter(message: string): ApiError {
  return new ApiError(400, 'InvalidParameterException', message);
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: unknown): number {
  if (token === undefined || token === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw invalidParameter('The specified nextToken is invalid.');
}

function limitOf(value: unknown, max: number): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidParameter(`limit must be an integer from 1 to ${max}`);
  }
  return value;
}

/**
 * GetLogEvents' window over `n` events. Tokens name a position: `f/<i>` reads forward from event i, `b/<i>` reads
 * backward from just before event i. At either end the token given comes back unchanged, which is how CloudWatch
 * tells a client to stop; no event is returned twice while paging in one direction.
 */
function pageAt(n: number, limit: number, token: unknown, fromHead: boolean) {
  let direction: 'f' | 'b' = fromHead ? 'f' : 'b';
  let at = fromHead ? 0 : n;
  if (token !== undefined && token !== null) {
    const m = /^([fb])\/(\d+)$/.exec(String(token));
    if (!m || Number(m[2]) > n) throw invalidParameter('The specified nextToken is invalid.');
    direction = m[1] as 'f' | 'b';
    at = Number(m[2]);
  }
  const from = direction === 'f' ? at : Math.max(0, at - limit);
  const to = direction === 'f' ? Math.min(n, at + limit) : at;
  return { from, to, forward: `f/${to}`, backward: `b/${from}` };
}

export class LogStore {
  private readonly groups = new Map<string, Group>();
  private eventCounter = 0;

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  private groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}:*`;
  }

  private group(name: unknown): Group {
    const group = typeof name === 'string' ? this.groups.get(name) : undefined;
    if (!group) throw resourceNotFound('The specified log group does not exist.');
    return group;
  }

  append(groupName: string, streamName: string, message: string, timestamp = Date.now()): void {
    let group = this.groups.get(groupName);
    if (!group) {
      group = { name: groupName, creationTime: Date.now(), streams: new Map() };
      this.groups.set(groupName, group);
    }
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, creationTime: Date.now(), events: [] };
      group.streams.set(streamName, stream);
    }
    this.eventCounter += 1;
    stream.events.push({
      timestamp,
      message,
      ingestionTime: Date.now(),
      eventId: String(this.eventCounter).padStart(56, '0'),
    });
  }

  deleteGroup(input: Record<string, unknown>): Record<string, never> {
    this.group(input.logGroupName);
    this.groups.delete(String(input.logGroupName));
    return {};
  }

  describeLogGroups(input: Record<string, unknown>) {
    const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
    const all = [...this.groups.values()]
      .filter((g) => g.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = decodeToken(input.nextToken);
    const limit = limitOf(input.limit, 50);
    const page = all.slice(start, start + limit);
    return {
      logGroups: page.map((g) => ({
        logGroupName: g.name,
        creationTime: g.creationTime,
        arn: this.groupArn(g.name),
        storedBytes: [...g.streams.values()].reduce(
          (n, s) => n + s.events.reduce((m, e) => m + e.message.length, 0),
          0,
        ),
      })),
      ...(start + limit < all.length ? { nextToken: encodeToken(start + limit) } : {}),
    };
  }

  describeLogStreams(input: Record<string, unknown>) {
    const group = this.group(input.logGroupName ?? input.logGroupIdentifier);
    const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
    let streams = [...group.streams.values()].filter((s) => s.name.startsWith(prefix));
    if (input.orderBy === 'LastEventTime') {
      streams.sort((a, b) => (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0));
    } else {
      streams.sort((a, b) => a.name.localeCompare(b.name));
    }
    if (input.descending === true) streams = streams.reverse();
    const start = decodeToken(input.nextToken);
    const limit = limitOf(input.limit, 50);
    const page = streams.slice(start, start + limit);
    return {
      logStreams: page.map((s) => ({
        logStreamName: s.name,
        creationTime: s.creationTime,
        firstEventTimestamp: s.events[0]?.timestamp,
        lastEventTimestamp: s.events.at(-1)?.timestamp,
        lastIngestionTime: s.events.at(-1)?.ingestionTime,
        arn: `${this.groupArn(group.name).slice(0, -2)}:log-stream:${s.name}`,
        storedBytes: 0,
      })),
      ...(start + limit < streams.length ? { nextToken: encodeToken(start + limit) } : {}),
    };
  }

  getLogEvents(input: Record<string, unknown>) {
    const group = this.group(input.logGroupName ?? input.logGroupIdentifier);
    const stream = typeof input.logStreamName === 'string' ? group.streams.get(input.logStreamName) : undefined;
    if (!stream) throw resourceNotFound('The specified log stream does not exist.');
    const events = stream.events.filter(
      (e) =>
        (typeof input.startTime !== 'number' || e.timestamp >= input.startTime) &&
        (typeof input.endTime !== 'number' || e.timestamp < input.endTime),
    );
    const limit = limitOf(input.limit, MAX_LIMIT);
    const page = pageAt(events.length, limit, input.nextToken, input.startFromHead === true);
    return {
      events: events
        .slice(page.from, page.to)
        .map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
      nextForwardToken: page.forward,
      nextBackwardToken: page.backward,
    };
  }

  filterLogEvents(input: Record<string, unknown>) {
    const group = this.group(input.logGroupName ?? input.logGroupIdentifier);
    const names = Array.isArray(input.logStreamNames) ? new Set(input.logStreamNames.map(String)) : null;
    const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
    const match = compileFilterPattern(typeof input.filterPattern === 'string' ? input.filterPattern : undefined);
    const streams = [...group.streams.values()].filter((s) => (names ? names.has(s.name) : s.name.startsWith(prefix)));
    const events = streams
      .flatMap((s) => s.events.map((e) => ({ ...e, logStreamName: s.name })))
      .filter(
        (e) =>
          (typeof input.startTime !== 'number' || e.timestamp >= input.startTime) &&
          (typeof input.endTime !== 'number' || e.timestamp <= input.endTime) &&
          match(e.message),
      )
      .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
    const start = decodeToken(input.nextToken);
    const limit = limitOf(input.limit, MAX_LIMIT);
    const page = events.slice(start, start + limit);
    return {
      events: page,
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
      ...(start + limit < events.length ? { nextToken: encodeToken(start + limit) } : {}),
    };
  }
}
