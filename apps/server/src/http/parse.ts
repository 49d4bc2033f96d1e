/**
 * Input parsing at the HTTP edge: a zod schema's first issue becomes a 400 naming the field, the
 * reason and a stable code.
 */
import { z } from "zod";
import { ApiError, badField } from "../domain/errors.js";

/** The first zod issue as an ApiError naming the field and the reason. */
export function zodError(error: z.ZodError, prefix = ""): ApiError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return badField(path === "" ? key : `${path}.${key}`, "unknown field", "unknown_field");
  }
  if (issue.code === "custom" && typeof issue.params?.code === "string") {
    return badField(path === "" ? "body" : path, issue.message, issue.params.code);
  }
  if (issue.code === "too_big" || issue.code === "too_small") {
    return badField(path === "" ? "body" : path, issue.message, "out_of_range");
  }
  return badField(path === "" ? "body" : path, issue.message);
}

/** Parses input with a zod schema or throws the 400 that names the field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw zodError(result.error, prefix);
  return result.data;
}
