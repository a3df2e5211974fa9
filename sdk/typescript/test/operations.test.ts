// S11-S16: every operation, with typed results, and pagination.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { NotFoundError, type Member, type Organization, type Project } from "@cloudbooks/sdk";
import { olive, pablo, server, unique } from "./helpers.js";

describe("every operation", () => {
  test("S11 — users.me(, users.update( (name only) and users.replace( (PUT: new name, same email)", async () => {
    const cb = await olive();
    const me = await cb.users.me();
    const renamed = await cb.users.update({ name: "Olive Patched" });
    assert.equal(renamed.name, "Olive Patched");
    assert.equal(renamed.email, me.email);
    assert.equal((await cb.users.me()).name, "Olive Patched");
    const replaced = await cb.users.replace({ name: "Olive Put", email: me.email });
    assert.equal(replaced.name, "Olive Put");
    assert.equal(replaced.email, me.email);
    await cb.users.update({ name: me.name });
  });

  test("S12 — organizations: create, get, update, replace, list, delete, then 404", async () => {
    const cb = await olive();
    const name = unique("Acme");
    const created: Organization = await cb.organizations.create({ name });
    assert.equal(created.name, name);
    assert.equal(created.role, "owner");
    const got = await cb.organizations.get(created.id);
    assert.deepEqual(got, created);
    const updated = await cb.organizations.update(created.id, { description: "patched" });
    assert.equal(updated.description, "patched");
    assert.equal(updated.name, name);
    const newName = unique("Acme Replaced");
    const replaced = await cb.organizations.replace(created.id, { name: newName, description: "put" });
    assert.equal(replaced.name, newName);
    assert.equal(replaced.description, "put");
    const listed = await cb.organizations.list({ limit: 100 }).toArray();
    assert.ok(listed.some((o) => o.id === created.id && o.name === newName));
    await cb.organizations.delete(created.id);
    await assert.rejects(cb.organizations.get(created.id), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.status, 404);
      assert.equal(error.code, "not_found");
      return true;
    });
  });

  test("S13 — members: add Pablo, list, get, update to admin, users.get( him, remove", async () => {
    const s = await server();
    const cb = await olive();
    const me = await cb.users.me();
    const org = await cb.organizations.create({ name: unique("Members Org") });
    const members = cb.organizations.members(org.id);
    const added: Member = await members.add({ email: s.pro_email, role: "member" });
    assert.equal(added.user.email, s.pro_email);
    assert.equal(added.role, "member");
    const pabloId = added.user.id;
    const everyone = await members.list().toArray();
    assert.deepEqual(new Set(everyone.map((m) => m.user.email)), new Set([s.email, s.pro_email]));
    assert.equal(everyone.find((m) => m.user.id === me.id)?.role, "owner");
    const got = await members.get(pabloId);
    assert.equal(got.user.email, s.pro_email);
    const promoted = await members.update(pabloId, { role: "admin" });
    assert.equal(promoted.role, "admin");
    const him = await cb.users.get(pabloId);
    assert.equal(him.email, s.pro_email);
    await members.remove(pabloId);
    await assert.rejects(members.get(pabloId), NotFoundError);
    await cb.organizations.delete(org.id);
  });

  test("S14 — projects: create, get, update, replace, list by organization, delete, then 404", async () => {
    const cb = await olive();
    const org = await cb.organizations.create({ name: unique("Projects Org") });
    const name = unique("Website");
    const created: Project = await cb.projects.create({ organization: org.id, name, description: "first" });
    assert.equal(created.organization, org.id);
    assert.equal(created.name, name);
    assert.deepEqual(await cb.projects.get(created.id), created);
    const updated = await cb.projects.update(created.id, { description: "second" });
    assert.equal(updated.description, "second");
    const newName = unique("Website v2");
    const replaced = await cb.projects.replace(created.id, { organization: org.id, name: newName, description: "third" });
    assert.equal(replaced.name, newName);
    assert.equal(replaced.description, "third");
    const listed = await cb.projects.list({ organization: org.id }).toArray();
    assert.deepEqual(listed.map((p) => p.id), [created.id]);
    await cb.projects.delete(created.id);
    await assert.rejects(cb.projects.get(created.id), NotFoundError);
    await cb.organizations.delete(org.id);
  });
});

describe("pagination", () => {
  test("S15 — 5 projects with limit 2: all 5, newest first, each once, 3 pages fetched lazily", async () => {
    const cb = await olive();
    const org = await cb.organizations.create({ name: unique("Paged Org") });
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name = unique(`Paged ${i}`);
      names.push(name);
      await cb.projects.create({ organization: org.id, name });
    }
    const list = cb.projects.list({ organization: org.id, limit: 2 });
    assert.equal(list.pagesFetched, 0, "nothing is fetched before the iteration starts");
    const seen: string[] = [];
    for await (const p of list) {
      seen.push(p.name);
      if (seen.length === 1) assert.equal(list.pagesFetched, 1, "the second page waits until it is needed");
      if (seen.length === 3) assert.equal(list.pagesFetched, 2);
    }
    assert.deepEqual(seen, [...names].reverse());
    assert.equal(list.pagesFetched, 3);
    // Page by page: 2 + 2 + 1.
    const sizes: number[] = [];
    for await (const page of cb.projects.list({ organization: org.id, limit: 2 }).pages()) sizes.push(page.results.length);
    assert.deepEqual(sizes, [2, 2, 1]);
    await cb.organizations.delete(org.id);
  });

  test("S16 — the projects of an organization that is not Olive's: nothing, in one request", async () => {
    const cb = await olive();
    const list = cb.projects.list({ organization: randomUUID() });
    assert.deepEqual(await list.toArray(), []);
    assert.equal(list.pagesFetched, 1);
  });

  test("the caller's organizations page by page too (organizations.list( with limit 1)", async () => {
    const cb = await pablo();
    const a = await cb.organizations.create({ name: unique("Pablo A") });
    const b = await cb.organizations.create({ name: unique("Pablo B") });
    const list = cb.organizations.list({ limit: 1 });
    const ids = (await list.toArray()).map((o) => o.id);
    assert.ok(ids.indexOf(b.id) < ids.indexOf(a.id) && ids.indexOf(b.id) >= 0);
    assert.equal(list.pagesFetched, ids.length);
    await cb.organizations.delete(a.id);
    await cb.organizations.delete(b.id);
  });
});
