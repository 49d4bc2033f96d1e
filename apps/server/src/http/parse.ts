/**
 * Input parsing at the HTTP edge: a zod schema's first issue becomes a 400 naming the field, the
 * reason and the contract's code for it (fieldErrorCode).
 */
import { fieldErrorCode } from "@zengzhi/contract";
import type { z } from "zod";
import { ApiError, badField } from "../domain/errors.js";

/** The first zod issue as an ApiError naming the field and the reason. */
export function zodError(error: z.ZodError, prefix = ""): ApiError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  const code = fieldErrorCode(issue);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return badField(path === "" ? key : `${path}.${key}`, "unknown field", code);
  }
  return badField(path === "" ? "body" : path, issue.message, code);
}

/** Parses input with a zod schema or throws the 400 that names the field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw zodError(result.error, prefix);
  return result.data;
}
