// Friendly names for the generated schema types (src/generated/schema.ts), as the SDK's
// methods take and return them. Field names are the API's own (snake_case), as in its JSON.
import type { components } from "./generated/schema.js";

type Schemas = components["schemas"];

/** The authenticated caller: `cb.users.me()`. */
export type User = Schemas["User"];
/** Another user, as a co-member of an organization sees them: `cb.users.get(id)`. */
export type PublicUser = Schemas["PublicUser"];
/** An organization the caller belongs to; `role` is the caller's role in it. */
export type Organization = Schemas["Organization"];
/** A user's membership of an organization, addressed by the user's id. */
export type Member = Schemas["Membership"];
/** A project of one of the caller's organizations. */
export type Project = Schemas["Project"];
/** A role in an organization. */
export type Role = Schemas["RoleEnum"];

/** `cb.users.update(...)` (PATCH /users/me): the fields to change. A new `password` needs `current_password`. */
export type UserUpdateParams = Schemas["PatchedUserUpdateRequest"];
/** `cb.users.replace(...)` (PUT /users/me): every writable field. */
export type UserReplaceParams = Schemas["UserUpdateRequest"];
/** `cb.organizations.create(...)`. */
export type OrganizationCreateParams = Schemas["OrganizationRequest"];
/** `cb.organizations.update(id, ...)` (PATCH): the fields to change. */
export type OrganizationUpdateParams = Schemas["PatchedOrganizationRequest"];
/** `cb.organizations.replace(id, ...)` (PUT): every writable field. */
export type OrganizationReplaceParams = Schemas["OrganizationRequest"];
/** `cb.organizations.members(orgId).add(...)`: an existing user, by email, with a role. */
export type MemberAddParams = Schemas["MembershipCreateRequest"];
/** `cb.organizations.members(orgId).update(userId, ...)`. */
export type MemberUpdateParams = { role: Role };
/** `cb.projects.create(...)`. */
export type ProjectCreateParams = Schemas["ProjectRequest"];
/** `cb.projects.update(id, ...)` (PATCH): the fields to change. */
export type ProjectUpdateParams = Omit<Schemas["PatchedProjectRequest"], "organization">;
/** `cb.projects.replace(id, ...)` (PUT): every writable field. */
export type ProjectReplaceParams = Schemas["ProjectRequest"];

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
export type LoginParams = Schemas["LoginRequest"];
/** The answer to a login: the tokens (the client keeps them) and the user. */
export type LoginResponse = Schemas["LoginResponse"];
/** The answer to a refresh: a new access token and a new (rotated) refresh token. */
export type TokenPair = Schemas["TokenPair"];

/** A login's access token, as `whoami` describes it (always `read_write`). */
export type AccessTokenCredential = Omit<Schemas["AccessTokenCredential"], "type"> & {
  type: "access_token";
};
/** An API key, as `whoami` describes it. */
export type ApiKeyCredential = Omit<Schemas["ApiKeyCredential"], "type"> & { type: "api_key" };
/** The credential of a request: narrow on `type` to reach the API key's `name`, `prefix`, `last_used_at`. */
export type Credential = AccessTokenCredential | ApiKeyCredential;
/** The plan's budget after the request: null numbers on unlimited plans. */
export type WhoamiRateLimit = Schemas["RateLimit"];
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
