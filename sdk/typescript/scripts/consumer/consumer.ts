// A fresh project's TypeScript: the installed package's types resolve (NodeNext, strict).
import { CloudBooks, type Project } from "@cloudbooks/sdk";

export async function newest(cb: CloudBooks, organization: string): Promise<Project | undefined> {
  for await (const p of cb.projects.list({ organization, limit: 1 })) return p;
  return undefined;
}
