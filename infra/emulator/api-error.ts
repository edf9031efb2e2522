/**
 * Errors the emulator answers with, named and shaped as AWS's so the SDK v3 clients and botocore raise the same
 * exception classes (ResourceNotFoundException, ResourceConflictException, InvalidParameterValueException,
 * TooManyRequestsException, ...). Types, statuses and messages follow the Lambda service model and AWS's own answers
 * (harness/lambda/README.md "Lambda API errors").
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Extra fields of the error document (Reason for throttles). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (Retry-After for throttles). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'ResourceNotFoundException', what);
export const invalid = (message: string) => new ApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message: string) => new ApiError(409, 'ResourceConflictException', message);
export const throttled = (message: string, reason: string) =>
  new ApiError(429, 'TooManyRequestsException', message, { Reason: reason }, { 'retry-after': '1' });
export const preconditionFailed = () =>
  new ApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );

/** AWS's wording for a constraint the service model states (a ValidationException, HTTP 400). */
export function validationError(field: string, value: unknown, constraint: string): ApiError {
  return new ApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** A request body over the operation's limit, in AWS's words. */
export function requestTooLarge(operation: string, limitBytes: number, type = 'RequestEntityTooLargeException') {
  return new ApiError(413, type, `Request must be smaller than ${limitBytes} bytes for the ${operation} operation`);
}
