// A fresh project's CommonJS program: require the installed package, use an API key.
const { CloudBooks, NotFoundError } = require("@cloudbooks/sdk");

(async () => {
  const s = JSON.parse(process.env.CLOUDBOOKS_SDK_SERVER);
  const cb = new CloudBooks({ apiKey: s.api_key, baseURL: s.base_url });
  const me = await cb.users.me();
  const who = await cb.auth.whoami();
  try {
    await cb.projects.get("00000000-0000-4000-8000-000000000000");
    throw new Error("expected a 404");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  console.log(`consumer (require): ${me.email} via ${who.credential.type}, request ${cb.lastResponse.requestId}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
