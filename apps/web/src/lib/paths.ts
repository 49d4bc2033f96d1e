/** Route patterns such as "/positions/:id" matched against a path. */

/** Matches "/positions/:id" against a path; returns the named parts or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const found: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i]!;
    const actual = have[i]!;
    if (part.startsWith(":")) found[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return found;
}
