// Friendly names for the generated schema types (src/generated/schema.ts), as the SDK's
// methods take and return them. Each is read off the operation that uses it (path, method,
// status), which the API contract fixes, so renamed schema components do not matter here.
// Field names are the API's own (snake_case), as in its JSON.
import type { paths } from "./generated/schema.js";

type Method = "get" | "post" | "put" | "patch" | "delete";
/** The operation at `P`/`M` of the schema. */
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The JSON body of an operation's answer with status `S`. */
type ResponseJson<P extends keyof paths, M extends Method, S extends number> =
  Operation<P, M> extends { responses: infer R }
    ? S extends keyof R
      ? R[S] extends { content: { "application/json": infer J } }
        ? J
        : never
      : never
    : never;
/** The JSON request body of an operation. */
type RequestJson<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B }
    ? NonNullable<B> extends { content: { "application/json": infer J } }
      ? J
      : never
    : never;

/** The authenticated caller: `cb.users.me()`. */
export type User = ResponseJson<"/v1/users/me", "get", 200>;
/** Another user, as a co-member of an organization sees them: `cb.users.get(id)`. */
export type PublicUser = ResponseJson<"/v1/users/{id}", "get", 200>;
/** An organization the caller belongs to; `role` is the caller's role in it. */
export type Organization = ResponseJson<"/v1/organizations/{id}", "get", 200>;
/** A user's membership of an organization, addressed by the user's id. */
export type Member = ResponseJson<"/v1/organizations/{organization_id}/members/{user_id}", "get", 200>;
/** A project of one of the caller's organizations. */
export type Project = ResponseJson<"/v1/projects/{id}", "get", 200>;
/** A role in an organization: `"member"`, `"admin"` or `"owner"`. */
export type Role = Member["role"];

/** `cb.users.update(...)` (PATCH /users/me): the fields to change. A new `password` needs `current_password`. */
export type UserUpdateParams = RequestJson<"/v1/users/me", "patch">;
/** `cb.users.replace(...)` (PUT /users/me): every writable field. */
export type UserReplaceParams = RequestJson<"/v1/users/me", "put">;
/** `cb.organizations.create(...)`. */
export type OrganizationCreateParams = RequestJson<"/v1/organizations", "post">;
/** `cb.organizations.update(id, ...)` (PATCH): the fields to change. */
export type OrganizationUpdateParams = RequestJson<"/v1/organizations/{id}", "patch">;
/** `cb.organizations.replace(id, ...)` (PUT): every writable field. */
export type OrganizationReplaceParams = RequestJson<"/v1/organizations/{id}", "put">;
/** `cb.organizations.members(orgId).add(...)`: an existing user, by email, with a role. */
export type MemberAddParams = RequestJson<"/v1/organizations/{organization_id}/members", "post">;
/** `cb.organizations.members(orgId).update(userId, ...)`: the new role. */
export type MemberUpdateParams = { role: Role };
/** `cb.projects.create(...)`. */
export type ProjectCreateParams = RequestJson<"/v1/projects", "post">;
/** `cb.projects.update(id, ...)` (PATCH): the fields to change. */
export type ProjectUpdateParams = Omit<RequestJson<"/v1/projects/{id}", "patch">, "organization">;
/** `cb.projects.replace(id, ...)` (PUT): every writable field. */
export type ProjectReplaceParams = RequestJson<"/v1/projects/{id}", "put">;

/** `cb.organizations.list(...)`. */
export interface OrganizationListParams {
  /** Items per page (1-100); the iterator fetches pages as it goes. */
  limit?: number;
}
/** `cb.organizations.members(orgId).list(...)`. */
export interface MemberListParams {
  /** Items per page (1-100). */
  limit?: number;
}
/** `cb.projects.list(...)`. */
export interface ProjectListParams {
  /** Only the projects of this organization (its id). */
  organization?: string;
  /** Items per page (1-100). */
  limit?: number;
}

/** `cb.auth.login(...)` and `CloudBooks.login(...)`. */
export type LoginParams = RequestJson<"/v1/auth/login", "post">;
/** The answer to a login: the tokens (the client keeps them) and the user. */
export type LoginResponse = ResponseJson<"/v1/auth/login", "post", 200>;
/** The answer to a refresh: a new access token and a new (rotated) refresh token. */
export type TokenPair = ResponseJson<"/v1/auth/refresh", "post", 200>;

// whoami's credential is written by hand: a union on `type`, which the generated types do not
// keep as a discriminant.
/** A login's access token, as `whoami` describes it (always `read_write`). */
export interface AccessTokenCredential {
  type: "access_token";
  /** The login's (token family's) id. */
  id: string;
  scope: "read_write";
  /** When the login started (ISO 8601). */
  created_at: string;
  /** When this access token expires (ISO 8601). */
  expires_at: string;
}
/** An API key, as `whoami` describes it. */
export interface ApiKeyCredential {
  type: "api_key";
  /** The key's id. */
  id: string;
  scope: "read_write" | "read_only";
  /** When the key was created (ISO 8601). */
  created_at: string;
  /** When the key expires (ISO 8601), or null. */
  expires_at: string | null;
  /** The key's name. */
  name: string;
  /** The key's display prefix (`sk_live_…`). */
  prefix: string;
  /** When the key was last used (ISO 8601), or null. */
  last_used_at: string | null;
}
/** The credential of a request: narrow on `type` to reach the API key's `name`, `prefix`, `last_used_at`. */
export type Credential = AccessTokenCredential | ApiKeyCredential;
/** The plan's budget after the request: null numbers on unlimited plans (and when unknown). */
export interface WhoamiRateLimit {
  /** The plan's slug, e.g. `"free"`. */
  plan: string;
  limit: number | null;
  remaining: number | null;
  /** Unix seconds when the budget renews. */
  reset: number | null;
}
/** `cb.auth.whoami()`: who is calling, with which credential, and the budget left. */
export interface Whoami {
  user: User;
  credential: Credential;
  rate_limit: WhoamiRateLimit;
}

/** The `X-RateLimit-*` headers of a response of a metered plan. */
export interface RateLimitState {
  /** Requests per hour of the plan. */
  limit: number;
  /** Requests left in this hour. */
  remaining: number;
  /** Unix seconds when the budget renews. */
  reset: number;
}

/** What the SDK knows of the last response: `cb.lastResponse`. */
export interface ResponseInfo {
  /** The HTTP status. */
  status: number;
  /** `X-Request-Id`: quote it to support. */
  requestId: string | null;
  /** The budget after this request; null when the plan is unlimited (no headers). */
  rateLimit: RateLimitState | null;
  /** True when the answer is a replay of an earlier request with the same `Idempotency-Key`. */
  idempotentReplayed: boolean;
  /** All the response's headers. */
  headers: Headers;
}
