/**
 * The official CloudBooks API client: `import { CloudBooks } from "@cloudbooks/sdk"`.
 * @packageDocumentation
 */
export { CloudBooks, DEFAULT_BASE_URL } from "./client.js";
export type { ClientOptions, Fetch, RawRequest, RequestOptions } from "./client.js";
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  BadGatewayError,
  CloudBooksError,
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  InternalServerError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "./errors.js";
export { PageIterator } from "./pagination.js";
export type { Page, PageFetcher } from "./pagination.js";
export { Auth, Members, Organizations, Projects, Users } from "./resources.js";
export type * from "./types.js";
export type { components, operations, paths } from "./generated/schema.js";
export { VERSION } from "./version.js";
