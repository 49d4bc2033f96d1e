/**
 * The roles of a login and the groups of them the operation table names as an operation's callers.
 * An operator's staff (admin, finance, support, auditor) act on the operator's side of the tenant, a
 * merchant's cashier on its merchant's side; the server enforces the table in one place (route.ts).
 */

export const ROLES = [
  "operator",
  "merchant",
  "member",
  "admin",
  "finance",
  "support",
  "auditor",
  "cashier",
] as const;
export type RoleName = (typeof ROLES)[number];

/** The roles an operator (or an admin) may invite. */
export const OPERATOR_STAFF_ROLES = ["admin", "finance", "support", "auditor"] as const;
/** The roles a merchant may add. */
export const MERCHANT_STAFF_ROLES = ["cashier"] as const;
export const STAFF_ROLES = [...OPERATOR_STAFF_ROLES, ...MERCHANT_STAFF_ROLES] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Whose data a role sees: the whole tenant (the operator's side), one merchant's, or one member's. */
export type RoleSide = "operator" | "merchant" | "member";

export function roleSide(role: RoleName): RoleSide {
  switch (role) {
    case "operator":
    case "admin":
    case "finance":
    case "support":
    case "auditor":
      return "operator";
    case "merchant":
    case "cashier":
      return "merchant";
    case "member":
      return "member";
  }
}

/**
 * The callers of the operation table, one group per kind of duty. Run: change the scheme (rules,
 * merchants, money into the pool, pause, the day, staff, webhooks). Finance: withdrawals,
 * reconciliation, custody. Reads: support reads members (and withdrawals, orders) only; the auditor
 * reads everything and changes nothing.
 */
export const CALLER_GROUPS = {
  owner: ["operator"],
  run: ["operator", "admin"],
  finance: ["operator", "admin", "finance"],
  operatorReads: ["operator", "admin", "finance", "support", "auditor"],
  financeReads: ["operator", "admin", "finance", "auditor"],
  configReads: ["operator", "admin", "auditor"],
  till: ["merchant", "cashier"],
} as const satisfies Record<string, readonly RoleName[]>;
