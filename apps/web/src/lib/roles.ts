/**
 * What a login may see in the web app: the contract's caller groups (the same table the server
 * enforces), read from `@zengzhi/contract/roles`, which holds no schema, so nothing of zod reaches
 * the bundle. A menu entry shows only when the login's role is among its operation's callers.
 */
import { CALLER_GROUPS, roleSide, type RoleName, type RoleSide } from "@zengzhi/contract/roles";

export type { RoleName, RoleSide };
export { roleSide };

export type Duty = keyof typeof CALLER_GROUPS;

/** True when the role is in the caller group. */
export function mayDo(role: RoleName, duty: Duty): boolean {
  return (CALLER_GROUPS[duty] as readonly RoleName[]).includes(role);
}

/** The console a login lands on. */
export function homeOfRole(role: RoleName): string {
  const side = roleSide(role);
  return side === "operator" ? "/operator" : side === "merchant" ? "/merchant" : "/";
}
