// A fresh project's ESM program: import the installed package, log in, list projects.
import { CloudBooks, NotFoundError } from "@cloudbooks/sdk";

const s = JSON.parse(process.env.CLOUDBOOKS_SDK_SERVER);
const cb = await CloudBooks.login({ email: s.email, password: s.password, baseURL: s.base_url });
const org = await cb.organizations.create({ name: `Consumer ESM ${Date.now()}` });
await cb.projects.create({ organization: org.id, name: "From import" });
const names = [];
for await (const p of cb.projects.list({ organization: org.id })) names.push(p.name);
try {
  await cb.projects.get("00000000-0000-4000-8000-000000000000");
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
}
await cb.organizations.delete(org.id);
if (names.join() !== "From import") throw new Error(`unexpected projects: ${names}`);
console.log(`consumer (import): ${cb.user.email} listed ${names.length} project(s)`);
