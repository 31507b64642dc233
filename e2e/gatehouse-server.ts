// Starts a real Gatehouse server for the browser tests: a fresh data folder,
// optionally the first organisation created with `gatehouse setup`, and
// `gatehouse serve` on a free port of 127.0.0.1.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SetupOptions {
  organization: string;
  adminEmail: string;
  adminPassword: string;
}

export interface GatehouseServer {
  baseURL: string;
  dataDir: string;
  /** Everything the server wrote to stdout and stderr so far, for failure reports. */
  output(): string;
  /** The one-time setup link that `serve` logs when the store has no organisation, or null. */
  setupLink(): string | null;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
const SETUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 200_000;

/** Returns the server binary: $GATEHOUSE_BIN, or ./gatehouse at the repository root. */
function gatehouseBinary(): string {
  const binary = process.env.GATEHOUSE_BIN ?? fileURLToPath(new URL('../gatehouse', import.meta.url));
  if (!existsSync(binary)) {
    throw new Error(
      `Gatehouse binary not found at ${binary}. Build it with "npm run build && go build -o gatehouse ." or set GATEHOUSE_BIN.`,
    );
  }
  return binary;
}

/** Environment for the child processes, without settings that would point them at another store or address. */
function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GATEHOUSE_')) delete env[name];
  }
  return env;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port was assigned'))));
    });
  });
}

function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

/** Runs `gatehouse setup`, which reads the admin password as one line on stdin. */
async function runSetup(binary: string, dataDir: string, options: SetupOptions): Promise<void> {
  const args = ['setup', '--data', dataDir, '--org', options.organization, '--email', options.adminEmail];
  const child = spawn(binary, args, { env: childEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  child.stdin?.end(`${options.adminPassword}\n`);

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"gatehouse ${args.join(' ')}" timed out after ${SETUP_TIMEOUT_MS} ms. Output:\n${output()}`));
    }, SETUP_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  if (exitCode !== 0) {
    throw new Error(`"gatehouse ${args.join(' ')}" failed with exit code ${exitCode}. Output:\n${output()}`);
  }
}

async function waitForHealthy(baseURL: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`gatehouse serve exited with code ${child.exitCode} before it was healthy. Output:\n${output()}`);
    }
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`GET ${baseURL}/healthz did not return 200 within ${STARTUP_TIMEOUT_MS} ms. Output:\n${output()}`);
}

/** Fails fast when the binary was built without the SPA (for example before `npm run build`). */
async function checkAppIsEmbedded(baseURL: string, binary: string): Promise<void> {
  const html = await (await fetch(`${baseURL}/login`)).text();
  if (!html.includes('id="app"')) {
    throw new Error(
      `${binary} serves no built web app at /login. Run "npm run build" and then "go build -o gatehouse ." again.`,
    );
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Serves a new data folder until `stop` is called. With `setup`, the first organisation is
 * created by the command line first. Without it, the server starts empty and logs a setup link.
 */
export async function startGatehouse(setup?: SetupOptions): Promise<GatehouseServer> {
  const binary = gatehouseBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
  try {
    if (setup) await runSetup(binary, dataDir, setup);
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    const child = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir], {
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(child);
    // Ends the server when the worker exits before afterAll runs, as on an interrupted run.
    // NOTE: a worker killed with SIGKILL runs no exit handler, so its server stays up.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await waitForHealthy(baseURL, child, output);
      await checkAppIsEmbedded(baseURL, binary);
    } catch (error) {
      process.off('exit', killOnExit);
      await stopProcess(child);
      throw error;
    }
    return {
      baseURL,
      dataDir,
      output,
      setupLink: () => {
        const token = /\/setup#token=([A-Za-z0-9_-]+)/.exec(output())?.[1];
        return token === undefined ? null : `${baseURL}/setup#token=${token}`;
      },
      stop: async () => {
        process.off('exit', killOnExit);
        await stopProcess(child);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
