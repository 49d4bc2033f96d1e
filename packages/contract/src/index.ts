/**
 * @zengzhi/contract: the HTTP API's one contract. The error table (ErrorCode → status), the shape
 * schemas of every request and response body, the operation table the server registers its routes
 * from, and the OpenAPI document built from that table. Types for the web client come from here.
 */
export * from "./errors.js";
export * from "./fields.js";
export * from "./views.js";
export * from "./requests.js";
export * from "./roles.js";
export * from "./operation.js";
export * from "./operations.js";
export * from "./notifications.js";
export * from "./payouts.js";
export * from "./openapi.js";
export * from "./types.js";
