// One Idempotency-Key per submission: a retry of the same input after an undecided failure (network
// error, 5xx, "still running") sends the same key; a definite answer or a changed input renews it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, ApiError } from "../src/lib/api.js";
import { createSubmission, isDefiniteAnswer } from "../src/lib/submission.js";

/** A submission whose keys are k1, k2, …, and a sender that records each key and answers as told. */
function harness() {
  let minted = 0;
  const submission = createSubmission(() => `k${++minted}`);
  const sent: string[] = [];
  const send = (outcome: "ok" | ApiError | Error) => async (key: string) => {
    sent.push(key);
    if (outcome !== "ok") throw outcome;
    return `answer to ${key}`;
  };
  /** Runs one attempt and swallows its error: the test looks at the keys. */
  const attempt = (input: unknown, outcome: "ok" | ApiError | Error) =>
    submission.run(input, send(outcome)).catch(() => undefined);
  return { submission, sent, send, attempt };
}

const network = () => new ApiError(0, "network", undefined, "TypeError: Failed to fetch", null);
const status = (code: number, name = `http_${code}`) => new ApiError(code, name, undefined, "", null);

describe("createSubmission", () => {
  it("reuses the key after a network error, then renews it after the success", async () => {
    const { submission, sent, send, attempt } = harness();
    await attempt({ amount: "1.00" }, network());
    await expect(submission.run({ amount: "1.00" }, send("ok"))).resolves.toBe("answer to k1");
    await attempt({ amount: "1.00" }, "ok");
    expect(sent).toEqual(["k1", "k1", "k2"]);
  });

  it("reuses the key after a 5xx, a 503 and a 409 request_in_progress", async () => {
    const { sent, attempt } = harness();
    await attempt("x", status(500));
    await attempt("x", status(503, "ledger_busy"));
    await attempt("x", status(409, "request_in_progress"));
    await attempt("x", status(429));
    await attempt("x", "ok");
    expect(sent).toEqual(["k1", "k1", "k1", "k1", "k1"]);
  });

  it("renews the key after a 4xx refusal: the server decided, a new attempt is a new request", async () => {
    const { sent, attempt } = harness();
    await attempt("x", status(422, "points_exceed_unlocked_balance"));
    await attempt("x", status(409, "listed"));
    await attempt("x", "ok");
    expect(sent).toEqual(["k1", "k2", "k3"]);
  });

  it("renews the key when the input changes, even after a network error", async () => {
    const { sent, attempt } = harness();
    await attempt({ amount: "1.00" }, network());
    await attempt({ amount: "2.00" }, network());
    await attempt({ amount: "2.00" }, "ok");
    expect(sent).toEqual(["k1", "k2", "k2"]);
  });

  it("passes answers and errors through unchanged", async () => {
    const { submission, send } = harness();
    const refusal = status(400, "amount_must_be_positive");
    await expect(submission.run(null, send(refusal))).rejects.toBe(refusal);
    await expect(submission.run(null, send("ok"))).resolves.toBe("answer to k2");
  });

  it("keeps the key after an error that is not the server's answer (the request may have arrived)", async () => {
    const { sent, attempt } = harness();
    await attempt("x", new SyntaxError("Unexpected end of JSON input"));
    await attempt("x", "ok");
    expect(sent).toEqual(["k1", "k1"]);
  });
});

describe("isDefiniteAnswer", () => {
  it("is true for 4xx refusals only", () => {
    expect(isDefiniteAnswer(status(400))).toBe(true);
    expect(isDefiniteAnswer(status(404, "not_found"))).toBe(true);
    expect(isDefiniteAnswer(status(422, "idempotency_key_reused"))).toBe(true);
    expect(isDefiniteAnswer(network())).toBe(false);
    expect(isDefiniteAnswer(status(408))).toBe(false);
    expect(isDefiniteAnswer(status(409, "request_in_progress"))).toBe(false);
    expect(isDefiniteAnswer(status(502))).toBe(false);
    expect(isDefiniteAnswer(new Error("boom"))).toBe(false);
  });
});

describe("a withdrawal request retried through the API client", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends the same Idempotency-Key header after a network error, and a new one after the success", async () => {
    const keys: (string | null)[] = [];
    let calls = 0;
    vi.stubGlobal("fetch", async (_path: string, init: RequestInit) => {
      keys.push(new Headers(init.headers).get("idempotency-key"));
      if (++calls === 1) throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify({ id: calls, amount: "1.00" }), {
        status: 201,
        headers: { "content-type": "application/json" },
      });
    });
    const submission = createSubmission();
    const withdraw = () => submission.run("1.00", (key) => api.requestWithdrawal("1.00", key));
    await expect(withdraw()).rejects.toMatchObject({ status: 0, code: "network" });
    await expect(withdraw()).resolves.toMatchObject({ id: 2 });
    await expect(withdraw()).resolves.toMatchObject({ id: 3 });
    expect(keys[0]).toMatch(/^[\x21-\x7e]{1,128}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});
