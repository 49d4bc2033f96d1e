// The pure SHA-256 and HMAC against the published test vectors (FIPS 180-4 examples, RFC 4231).
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, hmacSha256, sha256 } from "./sha256.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("sha256", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    ["a".repeat(1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"],
  ])("hashes %j", (input, digest) => {
    expect(bytesToHex(sha256(text(input)))).toBe(digest);
  });

  it("pads correctly at every length around a block boundary", () => {
    // 55, 56 and 64 bytes are the lengths where the padding needs one or two blocks.
    expect(bytesToHex(sha256(text("a".repeat(55))))).toBe(
      "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
    );
    expect(bytesToHex(sha256(text("a".repeat(56))))).toBe(
      "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
    );
    expect(bytesToHex(sha256(text("a".repeat(64))))).toBe(
      "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
    );
  });
});

describe("hmacSha256", () => {
  it("matches RFC 4231 test case 2", () => {
    expect(bytesToHex(hmacSha256(text("Jefe"), text("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("hashes a key longer than a block first (RFC 4231 test case 6)", () => {
    const key = new Uint8Array(131).fill(0xaa);
    const message = text("Test Using Larger Than Block-Size Key - Hash Key First");
    expect(bytesToHex(hmacSha256(key, message))).toBe(
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    );
  });
});

describe("hex", () => {
  it("round-trips and refuses what is not hex", () => {
    expect(bytesToHex(hexToBytes("00ff10")!)).toBe("00ff10");
    expect(hexToBytes("0")).toBeUndefined();
    expect(hexToBytes("zz")).toBeUndefined();
  });
});
