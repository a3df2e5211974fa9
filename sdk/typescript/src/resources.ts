import type { CloudBooks, RequestOptions } from "./client.js";
import { PageIterator } from "./pagination.js";
import type {
  LoginParams,
  LoginResponse,
  Member,
  MemberAddParams,
  MemberListParams,
  MemberUpdateParams,
  Organization,
  OrganizationCreateParams,
  OrganizationListParams,
  OrganizationReplaceParams,
  OrganizationUpdateParams,
  Project,
  ProjectCreateParams,
  ProjectListParams,
  ProjectReplaceParams,
  ProjectUpdateParams,
  PublicUser,
  TokenPair,
  User,
  UserReplaceParams,
  UserUpdateParams,
  Whoami,
} from "./types.js";

const seg = (id: string): string => encodeURIComponent(id);

/** The shared plumbing of the resources (`cb.users`, `cb.organizations`, `cb.projects`, `cb.auth`). */
abstract class Resource {
  /** Made by the client: `cb.users`, `cb.projects`… */
  constructor(protected readonly client: CloudBooks) {}

  protected async call<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.client.request<T>(method, path, { ...options, body });
  }

  protected paginate<T>(path: string, params: object, options?: RequestOptions): PageIterator<T> {
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) query[name] = String(value);
    }
    return new PageIterator<T>(
      (pageQuery) => this.client.request(`GET`, path, { ...options, query: pageQuery }),
      query,
    );
  }
}

/** `cb.users`: the caller's account (`me`), and users who share an organization with the caller. */
export class Users extends Resource {
  /** The caller (`GET /users/me`). */
  me(options?: RequestOptions): Promise<User> {
    return this.call("GET", "/users/me", undefined, options);
  }
  /** Change some of the caller's fields (`PATCH /users/me`); a new `password` needs `current_password`. */
  update(params: UserUpdateParams, options?: RequestOptions): Promise<User> {
    return this.call("PATCH", "/users/me", params, options);
  }
  /** Replace the caller's writable fields (`PUT /users/me`): `name` and `email` are required. */
  replace(params: UserReplaceParams, options?: RequestOptions): Promise<User> {
    return this.call("PUT", "/users/me", params, options);
  }
  /**
   * Delete the caller's account (`DELETE /users/me`): its keys and tokens stop working at once.
   * Throws {@link ConflictError} while the caller is the only owner of an organization with other members.
   */
  async delete(options?: RequestOptions): Promise<void> {
    await this.call("DELETE", "/users/me", undefined, options);
  }
  /** The caller, or a user sharing an organization with the caller (`GET /users/{id}`); else 404. */
  get(userId: string, options?: RequestOptions): Promise<PublicUser> {
    return this.call("GET", `/users/${seg(userId)}`, undefined, options);
  }
}

/** `cb.organizations`: the organizations the caller belongs to, and their members. */
export class Organizations extends Resource {
  /** Every organization of the caller, newest first, fetched page by page as the iteration goes. */
  list(params: OrganizationListParams = {}, options?: RequestOptions): PageIterator<Organization> {
    return this.paginate<Organization>("/organizations", params, options);
  }
  /** Create an organization; the caller becomes its owner. */
  create(params: OrganizationCreateParams, options?: RequestOptions): Promise<Organization> {
    return this.call("POST", "/organizations", params, options);
  }
  /** One organization of the caller's. */
  get(organizationId: string, options?: RequestOptions): Promise<Organization> {
    return this.call("GET", `/organizations/${seg(organizationId)}`, undefined, options);
  }
  /** Change some fields (`PATCH`; admins and owners). */
  update(organizationId: string, params: OrganizationUpdateParams, options?: RequestOptions): Promise<Organization> {
    return this.call("PATCH", `/organizations/${seg(organizationId)}`, params, options);
  }
  /** Replace the writable fields (`PUT`; admins and owners): `name` is required. */
  replace(organizationId: string, params: OrganizationReplaceParams, options?: RequestOptions): Promise<Organization> {
    return this.call("PUT", `/organizations/${seg(organizationId)}`, params, options);
  }
  /** Delete the organization and its projects (owners). */
  async delete(organizationId: string, options?: RequestOptions): Promise<void> {
    await this.call("DELETE", `/organizations/${seg(organizationId)}`, undefined, options);
  }
  /** The members of one organization: `cb.organizations.members(orgId).list()`. */
  members(organizationId: string): Members {
    return new Members(this.client, organizationId);
  }
}

/** `cb.organizations.members(orgId)`: the members of one organization, addressed by user id. */
export class Members extends Resource {
  /** The organization's id. */
  readonly organizationId: string;
  private readonly path: string;

  /** Made by `cb.organizations.members(organizationId)`. */
  constructor(client: CloudBooks, organizationId: string) {
    super(client);
    this.organizationId = organizationId;
    this.path = `/organizations/${seg(organizationId)}/members`;
  }
  /** Every member, page by page as the iteration goes. */
  list(params: MemberListParams = {}, options?: RequestOptions): PageIterator<Member> {
    return this.paginate<Member>(this.path, params, options);
  }
  /** Add an existing user by email (admins and owners; only owners add owners). */
  add(params: MemberAddParams, options?: RequestOptions): Promise<Member> {
    return this.call("POST", this.path, params, options);
  }
  /** One member, by user id. */
  get(userId: string, options?: RequestOptions): Promise<Member> {
    return this.call("GET", `${this.path}/${seg(userId)}`, undefined, options);
  }
  /** Change a member's role; demoting the last owner is a {@link ConflictError}. */
  update(userId: string, params: MemberUpdateParams, options?: RequestOptions): Promise<Member> {
    return this.call("PATCH", `${this.path}/${seg(userId)}`, params, options);
  }
  /** Remove a member, or leave with your own user id (the last owner cannot: 409). */
  async remove(userId: string, options?: RequestOptions): Promise<void> {
    await this.call("DELETE", `${this.path}/${seg(userId)}`, undefined, options);
  }
}

/** `cb.projects`: the projects of the caller's organizations. */
export class Projects extends Resource {
  /** Projects newest first, optionally of one `organization`, page by page as the iteration goes. */
  list(params: ProjectListParams = {}, options?: RequestOptions): PageIterator<Project> {
    return this.paginate<Project>("/projects", params, options);
  }
  /** Create a project in one of the caller's organizations. */
  create(params: ProjectCreateParams, options?: RequestOptions): Promise<Project> {
    return this.call("POST", "/projects", params, options);
  }
  /** One project. Throws {@link NotFoundError} when there is none the caller may see. */
  get(projectId: string, options?: RequestOptions): Promise<Project> {
    return this.call("GET", `/projects/${seg(projectId)}`, undefined, options);
  }
  /** Change some fields (`PATCH`). */
  update(projectId: string, params: ProjectUpdateParams, options?: RequestOptions): Promise<Project> {
    return this.call("PATCH", `/projects/${seg(projectId)}`, params, options);
  }
  /** Replace the writable fields (`PUT`): `organization` and `name` are required. */
  replace(projectId: string, params: ProjectReplaceParams, options?: RequestOptions): Promise<Project> {
    return this.call("PUT", `/projects/${seg(projectId)}`, params, options);
  }
  /** Delete a project (admins and owners of its organization). */
  async delete(projectId: string, options?: RequestOptions): Promise<void> {
    await this.call("DELETE", `/projects/${seg(projectId)}`, undefined, options);
  }
}

/** `cb.auth`: logins and the credential in use. */
export class Auth extends Resource {
  /** Log in with email and password; the client keeps the tokens and renews them itself. */
  login(params: LoginParams, options?: RequestOptions): Promise<LoginResponse> {
    return this.client._login(params, options);
  }
  /** Renew the access token now (it happens on its own; this is for the impatient). */
  refresh(options?: RequestOptions): Promise<TokenPair> {
    return this.client._refresh(options);
  }
  /** End the login: its access and refresh tokens are refused from then on. Throws for an API-key client. */
  logout(options?: RequestOptions): Promise<void> {
    return this.client._logout(options);
  }
  /** Who is calling, with which credential (a union on `credential.type`), and the budget left. */
  whoami(options?: RequestOptions): Promise<Whoami> {
    return this.call("GET", "/auth/whoami", undefined, options);
  }
}
