/**
 * Errors the emulator answers with, named and shaped as AWS's so the SDK v3 clients raise the same exception
 * classes (ResourceNotFoundException, ResourceConflictException, InvalidParameterValueException,
 * TooManyRequestsException, ...).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'ResourceNotFoundException', what);
export const invalid = (message: string) => new ApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message: string) => new ApiError(409, 'ResourceConflictException', message);
export const throttled = (message: string, reason: string) =>
  new ApiError(429, 'TooManyRequestsException', message, { Reason: reason, retryAfterSeconds: '1' });
