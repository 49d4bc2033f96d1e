import { describe, expect, it } from "vitest";
import { SERVICE_NODE_FLAGS, serviceNodeFlags } from "./node-flags.js";

describe("the service's V8 heap settings", () => {
  it("are the defaults unless ZENGZHI_NODE_FLAGS replaces them (empty: none)", () => {
    expect(serviceNodeFlags({})).toEqual([...SERVICE_NODE_FLAGS]);
    expect(SERVICE_NODE_FLAGS).toContain("--initial-old-space-size=512");
    expect(
      serviceNodeFlags({ ZENGZHI_NODE_FLAGS: " --max-old-space-size=4096  --max-semi-space-size=8 " }),
    ).toEqual(["--max-old-space-size=4096", "--max-semi-space-size=8"]);
    expect(serviceNodeFlags({ ZENGZHI_NODE_FLAGS: "" })).toEqual([]);
  });
});
