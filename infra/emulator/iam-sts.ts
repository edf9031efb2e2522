/**
 * A minimal EMULATION of IAM and STS, only so that `setup`, `doctor` and `cleanup --role` can run end to end against
 * this emulator (`--target aws --endpoint-url`): the few role operations they make, in AWS's query protocol (form
 * body, XML answer, XML errors with AWS's codes), plus STS GetCallerIdentity. Roles live in memory. It checks no
 * signature and grants every call: it is no model of IAM's permissions, and Lambda here accepts any role string
 * whatever this store holds, so "assumable by Lambda" always passes against it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';

/** Role documents and names are small; a query request larger than this is no request of setup's. */
export const QUERY_BODY_BYTES = 64 * 1024;

/** A request in AWS's query protocol (IAM, STS): a form POSTed to `/`. */
export function isQueryProtocol(req: http.IncomingMessage, url: URL): boolean {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  return req.method === 'POST' && url.pathname === '/' && type === 'application/x-www-form-urlencoded';
}

/** The account the emulator answers for (the same as its Lambda ARNs). */
export interface IdentityOptions {
  accountId: string;
}

interface StoredRole {
  name: string;
  arn: string;
  id: string;
  createDate: string;
  description: string;
  trustPolicy: string;
  tags: Array<{ key: string; value: string }>;
  inline: Map<string, string>;
}

export interface QueryAnswer {
  status: number;
  body: string;
}

class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<Name>value</Name>` for each defined field, in order; values escaped, nested XML passed through as `raw`. */
function fields(values: Record<string, string | { raw: string } | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | { raw: string }] => entry[1] !== undefined)
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? xmlEscape(value) : value.raw}</${name}>`)
    .join('');
}

/** An answer as AWS's query protocol shapes it; an operation without output has no `<...Result>` element. */
function answer(namespace: string, action: string, result: string | null): QueryAnswer {
  const metadata = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  const inner = result === null ? '' : `<${action}Result>${result}</${action}Result>`;
  return { status: 200, body: `<${action}Response xmlns="${namespace}">${inner}${metadata}</${action}Response>` };
}

function errorAnswer(namespace: string, error: QueryError): QueryAnswer {
  return {
    status: error.status,
    body: `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type>${fields({ Code: error.code, Message: error.message })}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

const noSuchRole = (name: string) => new QueryError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw new QueryError(
      400,
      'ValidationError',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** A policy document must at least be JSON, as IAM's MalformedPolicyDocument says. */
function policyText(params: URLSearchParams, name: string): string {
  const text = required(params, name);
  try {
    JSON.parse(text);
  } catch {
    throw new QueryError(400, 'MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  return text;
}

/** `Tags.member.N.Key` / `Tags.member.N.Value` of a query request. */
function tagsOf(params: URLSearchParams): Array<{ key: string; value: string }> {
  const tags: Array<{ key: string; value: string }> = [];
  for (let n = 1; params.has(`Tags.member.${n}.Key`); n++) {
    tags.push({ key: params.get(`Tags.member.${n}.Key`) ?? '', value: params.get(`Tags.member.${n}.Value`) ?? '' });
  }
  return tags;
}

export class IdentityEmulation {
  private readonly roles = new Map<string, StoredRole>();

  constructor(private readonly options: IdentityOptions) {}

  /**
   * The answer to a query-protocol request for IAM or STS (told apart by the service of the SigV4 credential scope,
   * else by the action), or null when the request is for neither.
   */
  handle(authorization: string | undefined, body: string): QueryAnswer | null {
    const params = new URLSearchParams(body);
    const action = params.get('Action');
    if (action === null) return null;
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization ?? '')?.[1];
    const sts = service === 'sts' || (service === undefined && action === 'GetCallerIdentity');
    if (service !== undefined && service !== 'sts' && service !== 'iam') return null;
    const namespace = sts ? STS_NS : IAM_NS;
    try {
      return sts ? this.sts(action) : this.iam(action, params);
    } catch (error: unknown) {
      if (error instanceof QueryError) return errorAnswer(namespace, error);
      throw error;
    }
  }

  private sts(action: string): QueryAnswer {
    if (action !== 'GetCallerIdentity') {
      throw new QueryError(400, 'InvalidAction', `The local emulator does not implement STS ${action}`);
    }
    const account = this.options.accountId;
    return answer(
      STS_NS,
      action,
      fields({
        Arn: `arn:aws:iam::${account}:user/vcpu-bench-emulator`,
        UserId: 'AIDAVCPUBENCHEMULATOR',
        Account: account,
      }),
    );
  }

  private role(name: string): StoredRole {
    const role = this.roles.get(name);
    if (!role) throw noSuchRole(name);
    return role;
  }

  private roleXml(role: StoredRole): string {
    const tags = role.tags.map((t) => `<member>${fields({ Key: t.key, Value: t.value })}</member>`).join('');
    return fields({
      Path: '/',
      RoleName: role.name,
      RoleId: role.id,
      Arn: role.arn,
      CreateDate: role.createDate,
      // IAM returns policy documents URL-encoded.
      AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
      Description: role.description || undefined,
      MaxSessionDuration: '3600',
      Tags: tags === '' ? undefined : { raw: tags },
    });
  }

  private iam(action: string, params: URLSearchParams): QueryAnswer {
    const ok = (result: string | null = null) => answer(IAM_NS, action, result);
    switch (action) {
      case 'CreateRole': {
        const name = required(params, 'RoleName');
        if (this.roles.has(name)) {
          throw new QueryError(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
        }
        const role: StoredRole = {
          name,
          arn: `arn:aws:iam::${this.options.accountId}:role/${name}`,
          id: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
          createDate: new Date().toISOString(),
          description: params.get('Description') ?? '',
          trustPolicy: policyText(params, 'AssumeRolePolicyDocument'),
          tags: tagsOf(params),
          inline: new Map(),
        };
        this.roles.set(name, role);
        return ok(fields({ Role: { raw: this.roleXml(role) } }));
      }
      case 'GetRole':
        return ok(fields({ Role: { raw: this.roleXml(this.role(required(params, 'RoleName'))) } }));
      case 'UpdateAssumeRolePolicy':
        this.role(required(params, 'RoleName')).trustPolicy = policyText(params, 'PolicyDocument');
        return ok();
      case 'PutRolePolicy':
        this.role(required(params, 'RoleName')).inline.set(
          required(params, 'PolicyName'),
          policyText(params, 'PolicyDocument'),
        );
        return ok();
      case 'GetRolePolicy': {
        const role = this.role(required(params, 'RoleName'));
        const name = required(params, 'PolicyName');
        const document = role.inline.get(name);
        if (document === undefined) {
          throw new QueryError(404, 'NoSuchEntity', `The role policy with name ${name} cannot be found.`);
        }
        return ok(fields({ RoleName: role.name, PolicyName: name, PolicyDocument: encodeURIComponent(document) }));
      }
      case 'ListRolePolicies': {
        const names = [...this.role(required(params, 'RoleName')).inline.keys()];
        return ok(
          fields({
            PolicyNames: { raw: names.map((n) => `<member>${xmlEscape(n)}</member>`).join('') },
            IsTruncated: 'false',
          }),
        );
      }
      case 'DeleteRolePolicy': {
        const role = this.role(required(params, 'RoleName'));
        const name = required(params, 'PolicyName');
        if (!role.inline.delete(name)) {
          throw new QueryError(404, 'NoSuchEntity', `The role policy with name ${name} cannot be found.`);
        }
        return ok();
      }
      case 'ListAttachedRolePolicies':
        // Managed policies are not emulated: nothing is ever attached.
        this.role(required(params, 'RoleName'));
        return ok(fields({ AttachedPolicies: { raw: '' }, IsTruncated: 'false' }));
      case 'DeleteRole': {
        const role = this.role(required(params, 'RoleName'));
        if (role.inline.size > 0) {
          throw new QueryError(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
        }
        this.roles.delete(role.name);
        return ok();
      }
      default:
        throw new QueryError(400, 'InvalidAction', `The local emulator does not implement IAM ${action}`);
    }
  }
}
