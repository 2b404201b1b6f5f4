// The real server as a child process (`tsx api/server.ts`), for crash and load tests.
import { spawn, type ChildProcess } from "node:child_process";
import { ADMIN_SECRET, IDENTITY_SECRET } from "./app.ts";
export { freePort } from "./ports.ts";
import { freePort } from "./ports.ts";


export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  // node itself (not the tsx wrapper, which forks): a SIGKILL must reach the server process.
  const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      ADMIN_SECRET,
      IDENTITY_SECRET,
      PORT: String(port),
      RATE_LIMIT_ANONYMOUS: "0",
      RATE_LIMIT_MEMBER: "0",
      RATE_LIMIT_API_KEY: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes("Power-user platform on")) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    },
  };
}
