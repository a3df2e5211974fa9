// Type-level tests, compiled by `npm run typecheck` (tsc --noEmit, strict) and never run.
// Each `@ts-expect-error` line must fail to compile: if the SDK's types stop catching that
// misuse, tsc reports the directive as unused and the check fails.
import {
  CloudBooks,
  NotFoundError,
  RateLimitError,
  type Credential,
  type Member,
  type Project,
  type RateLimitState,
  type Whoami,
} from "@cloudbooks/sdk";

declare const cb: CloudBooks;
declare const orgId: string;

export async function misuse(): Promise<void> {
  // Correct calls compile.
  await cb.organizations.members(orgId).add({ email: "a@example.com", role: "admin" });
  await cb.projects.create({ organization: orgId, name: "ok" });
  const project: Project = await cb.projects.get("id");
  void project.created_by;

  // @ts-expect-error: "superuser" is not a role
  await cb.organizations.members(orgId).add({ email: "a@example.com", role: "superuser" });
  // @ts-expect-error: a member's role is required
  await cb.organizations.members(orgId).add({ email: "a@example.com" });
  // @ts-expect-error: a project needs its organization
  await cb.projects.create({ name: "no org" });
  // @ts-expect-error: an organization needs a name
  await cb.organizations.create({ description: "nameless" });
  // @ts-expect-error: PUT replaces every writable field: email is required
  await cb.users.replace({ name: "only a name" });
  // @ts-expect-error: unknown filter
  cb.projects.list({ organisation: orgId });
  // @ts-expect-error: ids are strings
  await cb.projects.get(42);
  // @ts-expect-error: the API key is a string
  new CloudBooks({ apiKey: 42 });
  // @ts-expect-error: login needs a password
  await CloudBooks.login({ email: "a@example.com" });
  // @ts-expect-error: the idempotency key is a string or false
  await cb.projects.create({ organization: orgId, name: "x" }, { idempotencyKey: true });

  const member: Member = await cb.organizations.members(orgId).update("user", { role: "member" });
  // @ts-expect-error: a result's read-only fields cannot be assigned
  member.role = "owner";

  // The credential is a union on `type`: an API key's fields need narrowing.
  const who: Whoami = await cb.auth.whoami();
  const credential: Credential = who.credential;
  // @ts-expect-error: `name` exists only on API keys
  void credential.name;
  if (credential.type === "api_key") void credential.name.toUpperCase();

  // Iteration yields typed items.
  for await (const p of cb.projects.list({ organization: orgId, limit: 2 })) {
    const name: string = p.name;
    // @ts-expect-error: projects have no `slug`
    void p.slug;
    void name;
  }

  // Errors narrow with instanceof.
  try {
    await cb.projects.get("id");
  } catch (error) {
    if (error instanceof RateLimitError) {
      const wait: number | null = error.retryAfter;
      void wait;
    }
    if (error instanceof NotFoundError) {
      const status: number = error.status;
      const requestId: string | undefined = error.requestId;
      void status;
      void requestId;
      // @ts-expect-error: only RateLimitError has retryAfter
      void error.retryAfter;
    }
  }
  const state: RateLimitState | null | undefined = cb.lastResponse?.rateLimit;
  void state;
}
