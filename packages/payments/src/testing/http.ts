// A minimal HTTP server on 127.0.0.1 for the fake providers, and the POST they use to deliver
// notifications. Kept on node:http so the fakes see the raw bytes a real provider would.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RunningServer {
  baseUrl: string;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Serves `handle` on 127.0.0.1 (port 0 = any free port). */
export async function serve(
  handle: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>,
  port = 0,
): Promise<RunningServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const answer = await handle({
          method: request.method ?? "GET",
          url: request.url ?? "/",
          headers: request.headers,
          body: await bodyOf(request),
        });
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body);
      } catch (error) {
        response.writeHead(500, { "Content-Type": "text/plain" });
        response.end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Delivers a notification; answers the receiver's status and body. */
export async function deliver(
  url: string,
  options: { headers: Record<string, string>; body: string },
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: "POST", headers: options.headers, body: options.body });
  return { status: response.status, body: await response.text() };
}
