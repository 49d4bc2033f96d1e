/**
 * A translated sentence for every code the user can meet: every ErrorCode of the contract's error
 * table (the engine's rejections, rule-set and decimal errors, the service's own codes) and the
 * client's own. Typed as a Record over ErrorCode, so a code added to the contract without a
 * translation here fails the type check.
 */
import type { ErrorCode } from "@zengzhi/contract";

export interface ErrorSentence {
  "zh-CN": string;
  en: string;
}

/** The client's own code, outside the contract's table: no answer came (offline, connection lost). */
export type ClientErrorCode = "network";

export const ERROR_MESSAGES: Record<ErrorCode | ClientErrorCode, ErrorSentence> = {
  // Engine rejections.
  listed: {
    "zh-CN": "平台已上市转股，不再接受任何操作。",
    en: "The scheme has listed; no further actions are accepted.",
  },
  amount_not_positive: { "zh-CN": "金额必须大于 0。", en: "The amount must be greater than 0." },
  unknown_member: { "zh-CN": "找不到该会员。", en: "No such member." },
  member_exists: { "zh-CN": "该会员已存在。", en: "This member already exists." },
  unknown_inviter: { "zh-CN": "邀请码无效。", en: "This invite code does not exist." },
  self_invite: { "zh-CN": "不能使用自己的邀请码。", en: "You cannot invite yourself." },
  unknown_position: { "zh-CN": "找不到该仓位。", en: "No such position." },
  not_owner: { "zh-CN": "该仓位不属于您。", en: "This position is not yours." },
  position_not_open: { "zh-CN": "该仓位已出局或关闭。", en: "This position has exited or closed." },
  insufficient_points: { "zh-CN": "可用积分不足。", en: "Not enough points." },
  points_locked: { "zh-CN": "部分积分仍在锁定中，尚未释放。", en: "Some of these points are still locked." },
  insufficient_coins: { "zh-CN": "消费币余额不足。", en: "Not enough legacy coins." },
  insufficient_funds: { "zh-CN": "余额不足。", en: "Insufficient balance." },
  insufficient_merchant_points: {
    "zh-CN": "商家积分不足。",
    en: "The merchant does not hold enough points.",
  },
  health_too_low: {
    "zh-CN": "会员健康值未达到接受打赏的要求。",
    en: "The member's health value is too low to receive tips.",
  },
  withdrawal_over_request_limit: {
    "zh-CN": "超过单笔提现上限。",
    en: "Above the per-request withdrawal limit.",
  },
  withdrawal_over_daily_limit: { "zh-CN": "超过每日提现上限。", en: "Above the daily withdrawal limit." },
  unknown_withdrawal: { "zh-CN": "找不到该提现申请。", en: "No such withdrawal." },
  withdrawal_not_pending: { "zh-CN": "该提现申请已处理。", en: "This withdrawal has already been decided." },
  withdrawal_not_approved: {
    "zh-CN": "该提现不在待打款状态（已打款或已退回）。",
    en: "This withdrawal is not waiting for its payout (paid or returned already).",
  },
  payout_account_missing: {
    "zh-CN": "该会员尚未设置本平台可打款的收款账户。",
    en: "The member has no payout account this scheme can pay.",
  },
  payout_not_sending: {
    "zh-CN": "该提现没有进行中的打款，或不是人工打款。",
    en: "This withdrawal has no payout in flight, or it is not paid by hand.",
  },
  wechat_not_linked: {
    "zh-CN": "请先使用微信登录并绑定，才能用微信收款。",
    en: "Sign in with WeChat first to receive payouts in WeChat.",
  },
  invalid_days: { "zh-CN": "天数无效。", en: "Invalid number of days." },
  preview_stale: {
    "zh-CN": "状态已变化，请重新预览。",
    en: "The state has changed since the preview: preview again.",
  },
  zero_points: {
    "zh-CN": "按当前单价折算的积分为 0，请提高数量或金额。",
    en: "That comes to zero points at the current price.",
  },
  amount_too_large: {
    "zh-CN": "金额超出单笔操作允许的上限。",
    en: "The amount is larger than one action may move.",
  },
  unknown_order: { "zh-CN": "找不到该订单。", en: "No such order." },
  order_already_paid: { "zh-CN": "该订单已付款。", en: "This order was already paid." },
  refund_window_passed: {
    "zh-CN": "退款期已过，订单已结算。",
    en: "The refund window has passed; the order was settled.",
  },
  order_not_refundable: { "zh-CN": "该订单已退款。", en: "This order was already refunded." },
  // Rule-set errors (engine).
  invalid_rules: { "zh-CN": "规则无效。", en: "The rule set is invalid." },
  split_not_one: { "zh-CN": "四项分配比例之和必须等于 1。", en: "The four split parts must add up to 1." },
  multi_level_reward: {
    "zh-CN": "不允许多级奖励：只有直接邀请人获得健康值。",
    en: "Multi-level rewards are refused: only the direct inviter gains health value.",
  },
  tiers_not_ascending: {
    "zh-CN": "释放档位的健康值必须递增。",
    en: "Release tiers must ascend by health value.",
  },
  // Server errors.
  invalid_url: { "zh-CN": "链接地址无效。", en: "The address is not valid." },
  invalid_command: {
    "zh-CN": "账本拒绝了这条指令（格式不正确）。",
    en: "The ledger refused the command as malformed.",
  },
  request_in_progress: {
    "zh-CN": "上一次提交仍在处理中，请稍后再试。",
    en: "Your previous attempt is still being processed; try again in a moment.",
  },
  request_timeout: {
    "zh-CN": "请求超时，请检查网络后重试。",
    en: "The request took too long to arrive; check your connection and try again.",
  },
  uri_too_long: { "zh-CN": "链接地址过长。", en: "The address is too long." },
  headers_too_large: { "zh-CN": "请求头过大。", en: "The request headers are too large." },
  service_unavailable: {
    "zh-CN": "服务暂时不可用，请稍后重试。",
    en: "The service is unavailable for the moment; please try again shortly.",
  },
  invalid_json: { "zh-CN": "请求格式错误。", en: "The request is not valid JSON." },
  body_too_deep: { "zh-CN": "请求内容嵌套层数过多。", en: "The request is nested too deeply." },
  control_character: {
    "zh-CN": "输入中含有不可见的控制字符。",
    en: "The input contains an invisible control character.",
  },
  invalid_field: { "zh-CN": "字段无效。", en: "A field is invalid." },
  unknown_field: { "zh-CN": "存在未知字段。", en: "Unknown field." },
  not_a_decimal: { "zh-CN": "请输入数字。", en: "Enter a number." },
  too_precise: { "zh-CN": "小数位数过多。", en: "Too many decimal places." },
  out_of_range: { "zh-CN": "数值超出允许范围。", en: "The value is out of range." },
  missing_idempotency_key: { "zh-CN": "缺少幂等键。", en: "Missing Idempotency-Key." },
  idempotency_key_reused: {
    "zh-CN": "重复提交的内容不一致。",
    en: "This request key was already used for something else.",
  },
  idempotency_key_expired: {
    "zh-CN": "该请求已超过保留期限，不会再次执行；如需新操作请重新提交。",
    en: "This request is older than the retention window and will not run again; submit a new one if needed.",
  },
  body_too_large: { "zh-CN": "提交内容过大。", en: "The request is too large." },
  unauthenticated: { "zh-CN": "请先登录。", en: "Please log in." },
  invalid_credentials: { "zh-CN": "用户名或密码错误。", en: "Wrong username or password." },
  forbidden: { "zh-CN": "无权执行此操作。", en: "You may not do this." },
  not_found: { "zh-CN": "未找到。", en: "Not found." },
  too_many_attempts: {
    "zh-CN": "该账号在此网络登录失败次数过多，请稍后再试。",
    en: "Too many failed logins for this account from this network; try again a little later.",
  },
  too_many_requests: {
    "zh-CN": "此网络的请求过多，请稍后再试。",
    en: "Too many requests from this network; try again later.",
  },
  password_too_weak: {
    "zh-CN": "密码太常见或太容易猜到，请换一个更长、更不常见的密码。",
    en: "This password is too common or easy to guess; choose a longer, less common one.",
  },
  current_password_wrong: { "zh-CN": "当前密码不正确。", en: "The current password is wrong." },
  scheme_paused: { "zh-CN": "平台已暂停新订单和卖出。", en: "The scheme is paused: no new orders or sales." },
  member_frozen: {
    "zh-CN": "该会员已被冻结，暂不能下单、卖出、支付或提现。",
    en: "This member is frozen: no orders, sells, payments or withdrawals.",
  },
  manual_close_disabled: {
    "zh-CN": "日结在当地午夜自动进行，本部署已关闭手动日结。",
    en: "Days close by themselves at local midnight; the manual close is off on this deployment.",
  },
  invalid_time_zone: {
    "zh-CN": "不是有效的时区名称（例如 Asia/Shanghai）。",
    en: "Not a time zone name (e.g. Asia/Shanghai).",
  },
  conflict: {
    "zh-CN": "当前状态下无法执行（例如用户名已被占用）。",
    en: "Not possible in the current state (e.g. username taken).",
  },
  invalid_signature: { "zh-CN": "支付回调签名无效。", en: "Invalid payment callback signature." },
  payment_credentials_invalid: {
    "zh-CN":
      "支付密钥无法识别：请粘贴完整的 PEM 文本（RSA 2048 位或以上），并确认公钥属于微信支付/支付宝而不是自己的。",
    en: "A payment key cannot be read: paste the whole PEM text (RSA, 2048 bits or more) and check that the public key is WeChat Pay's or Alipay's, not your own.",
  },
  payment_method_unavailable: {
    "zh-CN": "本平台尚未开通这种支付方式，请换一种。",
    en: "This payment method is not set up for this scheme; choose another one.",
  },
  secrets_key_not_configured: {
    "zh-CN": "服务器尚未设置 ZENGZHI_SECRETS_KEY，无法保存支付密钥。",
    en: "The server has no ZENGZHI_SECRETS_KEY, so payment keys cannot be stored.",
  },
  replayed_callback: { "zh-CN": "重复的支付回调已被忽略。", en: "Replayed payment callback ignored." },
  invalid_rows: {
    "zh-CN": "部分行有错误，未导入任何数据。",
    en: "Some rows have errors; nothing was imported.",
  },
  unsupported_media_type: { "zh-CN": "请以 JSON 格式提交。", en: "Send JSON." },
  bad_request: { "zh-CN": "请求无效。", en: "Bad request." },
  internal_error: {
    "zh-CN": "服务器出错，已记录，请稍后再试。",
    en: "Something went wrong on our side; it has been logged.",
  },
  ledger_busy: { "zh-CN": "系统繁忙，请稍后重试。", en: "The system is busy; please try again shortly." },
  ledger_unavailable: {
    "zh-CN": "账本正在切换节点，请稍后重试。",
    en: "The ledger is switching nodes; please try again shortly.",
  },
  not_ready: { "zh-CN": "节点尚未就绪。", en: "This node is not ready." },
  invalid_callback: { "zh-CN": "支付回调无效。", en: "Invalid payment callback." },
  liabilities_not_published: {
    "zh-CN": "您加入后尚未日结，暂时没有您的负债证明。",
    en: "No day has been closed since you joined, so there is no proof for you yet.",
  },
  rule_preview_not_found: {
    "zh-CN": "找不到这次规则预演（预演只保留一小时），请重新预演。",
    en: "This rule-change preview is gone (previews are kept for an hour); run it again.",
  },
  rule_preview_running: {
    "zh-CN": "本平台已有一次规则预演正在运行，请等它完成后再开始。",
    en: "A rule-change preview of this scheme is still running; wait for it to finish.",
  },
  product_inactive: { "zh-CN": "该商品已下架。", en: "This product is no longer sold." },
  duplicate_member: {
    "zh-CN": "导入文件中同一会员出现多次。",
    en: "The same member appears more than once in the file.",
  },
  network: { "zh-CN": "网络错误，请稍后重试。", en: "Network error, please try again." },
  // Staff and webhooks (issue 13).
  staff_role_not_allowed: {
    "zh-CN": "您不能授予该角色：运营方可邀请管理员、财务、客服、审计；商家可添加收银员。",
    en: "You may not give this role: an operator invites admin, finance, support or auditor; a merchant a cashier.",
  },
  invite_not_valid: {
    "zh-CN": "邀请码无效、已使用或已过期。",
    en: "This invite code is unknown, used or expired.",
  },
  domain_taken: {
    "zh-CN": "另一个平台已使用该域名。",
    en: "Another scheme uses this domain.",
  },
  wechat_sign_in_unavailable: {
    "zh-CN": "本平台尚未开通微信登录。",
    en: "This scheme has not set up WeChat sign-in.",
  },
  wechat_state_invalid: {
    "zh-CN": "本次微信登录已失效或不是在此浏览器发起的，请重新点击微信登录。",
    en: "This WeChat sign-in has expired or was not started in this browser; start it again.",
  },
  wechat_code_invalid: {
    "zh-CN": "微信授权码无效、已使用或已过期，请重新登录。",
    en: "WeChat's code is unknown, used or expired; sign in again.",
  },
  wechat_refused: {
    "zh-CN": "微信拒绝了本次请求，未做任何更改，请稍后再试。",
    en: "WeChat refused the request; nothing was changed. Try again later.",
  },
  wechat_unreachable: {
    "zh-CN": "暂时无法连接微信，未做任何更改，请稍后再试。",
    en: "WeChat cannot be reached now; nothing was changed. Try again later.",
  },
  wechat_already_linked: {
    "zh-CN": "该账号已绑定微信，或该微信已绑定其他账号。",
    en: "This account has a WeChat linked already, or this WeChat is linked to another account.",
  },
  wechat_unlink_refused: {
    "zh-CN": "微信是该账号唯一的登录方式，请先设置密码再解除绑定。",
    en: "WeChat is this account's only sign-in: set a password before unlinking it.",
  },
  phone_code_invalid: {
    "zh-CN": "验证码错误、已使用或已过期，请重新获取。",
    en: "The code is wrong, used or expired; ask for a new one.",
  },
  phone_taken: {
    "zh-CN": "该手机号已被本平台的其他账号绑定。",
    en: "Another account of this scheme has bound this phone number.",
  },
  webhook_url_refused: {
    "zh-CN": "该地址不可用：只接受 http(s)，不能含账号密码，也不能指向内网、本机或链路本地地址。",
    en: "This URL is refused: http(s) only, no credentials, and no private, loopback or link-local address.",
  },
  prepaid_insufficient: {
    "zh-CN": "商家预存余额不足以支付本笔销售应缴部分或本次积分购买，请先充值。",
    en: "The prepaid balance cannot cover what this sale owes the scheme, or this tip-point buy. Top up first.",
  },
  split_out_of_bounds: {
    "zh-CN": "分配比例超出平台为该商家设定的范围。",
    en: "The split is outside the bounds the operator set for this merchant.",
  },
  unknown_sale: { "zh-CN": "找不到这笔门店销售。", en: "There is no such till sale." },
  sale_not_voidable: {
    "zh-CN": "这笔销售无法撤销（非当日、积分已使用或已引发出局）。",
    en: "This sale cannot be voided (not today, points already used, or it caused exits).",
  },
  payment_code_invalid: {
    "zh-CN": "付款码无效、已使用或已过期，请会员刷新付款码。",
    en: "The payment code is unknown, used or expired. Ask the member to refresh it.",
  },
};

/** The sentence for a code the server sent, if the table has one (an unknown code gets none). */
export function errorSentence(code: string): ErrorSentence | undefined {
  return Object.hasOwn(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code as ErrorCode] : undefined;
}
