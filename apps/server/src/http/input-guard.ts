/**
 * Input the service refuses before any schema or recursion sees it (issue #11): JSON nested deeper
 * than LIMITS.jsonDepthMax (checked on the raw text, without recursion, before JSON.parse) and
 * control characters in any string or key of the body, the query or the path parameters.
 */
import { ApiError, badField } from "../domain/errors.js";
import { LIMITS } from "../limits.js";

/** C0 controls, DEL and C1 controls: what no name, id, amount or label may hold. */
const CONTROL = /\p{Cc}/u;
/** In the fields that hold several lines (a CSV), CR and LF are text too. */
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\r\n]/u;

/** Throws body_too_deep when the JSON text opens more than `max` arrays and objects inside each other. */
export function refuseDeepJson(text: string, max = LIMITS.jsonDepthMax): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        throw new ApiError(400, "body_too_deep", `the body nests arrays and objects more than ${max} deep`);
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
}

/**
 * The path (e.g. `items.2.name`) of the first string or key under `value` that holds a control
 * character, or null. Walks with its own stack: the depth is bounded, but no recursion is needed.
 */
export function controlCharacterPath(
  value: unknown,
  options: { prefix: string; multiline?: readonly string[] },
): string | null {
  const stack: [unknown, string][] = [[value, options.prefix]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      const pattern = options.multiline?.includes(path) === true ? CONTROL_BUT_LINE_BREAKS : CONTROL;
      if (pattern.test(item)) return path === "" ? "body" : path;
    } else if (typeof item === "object" && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        const childPath = path === "" ? key : `${path}.${key}`;
        if (CONTROL.test(key)) return childPath.replace(CONTROL, "?");
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/** Throws control_character naming the field when any string of the request's input holds one. */
export function refuseControlCharacters(
  input: { params: unknown; query: unknown; body: unknown },
  multiline: readonly string[] = [],
): void {
  const field =
    controlCharacterPath(input.params, { prefix: "" }) ??
    controlCharacterPath(input.query, { prefix: "query" }) ??
    controlCharacterPath(input.body, { prefix: "", multiline });
  if (field !== null) {
    throw badField(field, "must not contain control characters", "control_character");
  }
}
